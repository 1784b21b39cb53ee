package dev.jvmbpf.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.kernel.KernelObjectProgram;
import dev.jvmbpf.kernel.testing.KernelRequired;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.jit.JitEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The socket-buffer helpers that resize or retag the packet (change_tail, change_head,
 * change_proto, adjust_room, vlan_push, pull_data, change_type), in the library's fixture
 * skb_resize.o, on the interpreter, the JIT and the running kernel: the same return values and
 * packets on an IPv4/UDP, an IPv4/TCP and an ARP frame.
 */
class KernelSkbHelpersDifferentialTest {
    private static final Path OBJECT = Path.of(System.getProperty("jvmbpf.root", ".."), "library", "src", "test",
            "resources", "bpf", "skb_resize.o").normalize();
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void kernelAvailable() {
        KernelRequired.assume("kernel skb helper differential tests");
    }

    private static List<String> onEngine(String program, Engine engine) {
        Program p = Bpf.open(OBJECT).engine(engine).load(program).program(program);
        List<String> out = new ArrayList<>();
        for (byte[] packet : TestPackets.FRAMES) {
            SkBuffContext context = (SkBuffContext) p.context().packet(packet).build();
            long r0 = p.run(context);
            out.add("r0 " + Integer.toUnsignedString((int) r0) + " packet " + HEX.formatHex(context.packet()));
        }
        return out;
    }

    private static List<String> onKernel(String program) {
        Program p = Bpf.open(OBJECT).load(program).program(program);
        List<String> out = new ArrayList<>();
        try (KernelObjectProgram k = KernelObjectProgram.load(p.bpfProgram())) {
            for (byte[] packet : TestPackets.FRAMES) {
                KernelObjectProgram.Result r = k.run(packet, 1);
                out.add("r0 " + r.r0() + " packet " + HEX.formatHex(r.packet()));
            }
        }
        return out;
    }

    @Test
    void resizingHelpersAgreeWithTheKernel() {
        List<String> mismatches = new ArrayList<>();
        List<String> names = Bpf.open(OBJECT).programs().stream().map(dev.jvmbpf.ProgramSpec::name).toList();
        for (String name : names) {
            List<String> kernel = onKernel(name);
            System.out.println("skb helpers: " + name + ": kernel r0 " + kernel.stream()
                    .map(line -> line.substring(3, line.indexOf(' ', 3))).toList());
            for (Engine e : List.of(new Interpreter(), new JitEngine())) {
                List<String> ours = onEngine(name, e);
                if (!ours.equals(kernel)) {
                    mismatches.add(name + " on " + e.name() + ":\n  kernel " + kernel + "\n  jvmbpf " + ours);
                }
            }
        }
        System.out.println("skb helpers: " + names.size() + " programs x " + TestPackets.FRAMES.size() + " packets compared with"
                + " the kernel");
        assertEquals(List.of(), mismatches, String.join("\n", mismatches));
    }
}
