package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.Program;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Context loads, which the JIT sends straight to the address space (computed fields such as
 * XDP's {@code data} and {@code data_end}), give what the interpreter gives, and do not disturb
 * the region cache of the accesses around them.
 */
class ContextAccessTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();
    private static final String IPV4 = "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002";

    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    private static Program load(Engine engine, ProgramType type, String asm) {
        return Bpf.of(new BpfProgram("t", "", type, Assembler.assemble(asm),
                List.of(), "GPL")).engine(engine).load().program();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void xdpFieldsArePointersAndNumbers(Engine engine) {
        // (data_end - data) * 1000 + (data - data_meta) * 100 + ingress_ifindex * 10 + rx_queue_index
        Program p = load(engine, ProgramType.XDP, """
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                ldxw %r4, [%r1+8]
                ldxw %r5, [%r1+12]
                ldxw %r6, [%r1+16]
                mov %r0, %r3
                sub %r0, %r2
                mul %r0, 1000
                sub %r2, %r4
                mul %r2, 100
                add %r0, %r2
                mul %r5, 10
                add %r0, %r5
                add %r0, %r6
                exit
                """);
        XdpContext ctx = XdpContext.builder().packet(new byte[60]).metadata(new byte[8]).ingressIfindex(4)
                .rxQueueIndex(3).build();
        assertEquals(60 * 1000 + 8 * 100 + 4 * 10 + 3, p.run(ctx));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void skbFieldsAndThePacketTheyPointAt(Engine engine) {
        // len + mark + the packet's byte 12 read through data, when data + 14 <= data_end.
        Program p = load(engine, ProgramType.SCHED_CLS, """
                ldxw %r0, [%r1+0]
                ldxw %r2, [%r1+8]
                add %r0, %r2
                ldxw %r3, [%r1+76]
                ldxw %r4, [%r1+80]
                mov %r5, %r3
                add %r5, 14
                jgt %r5, %r4, +2
                ldxb %r5, [%r3+12]
                add %r0, %r5
                exit
                """);
        byte[] packet = HexFormat.of().parseHex(IPV4);
        SkBuffContext ctx = SkBuffContext.builder().packet(packet).field(SkBuffContext.MARK, 7).build();
        assertEquals(packet.length + 7 + 8, p.run(ctx));
        assertEquals(5 + 7, p.run(SkBuffContext.builder().packet(new byte[5]).field(SkBuffContext.MARK, 7).build()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void contextLoadsBetweenPacketAndStackAccessesInALoop(Engine engine) {
        // Sums ingress_ifindex and the packet's first 8 bytes, reloading the context field each time.
        Program p = load(engine, ProgramType.XDP, """
                mov %r0, 0
                stdw [%r10-8], 0
                mov %r6, 0
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                mov %r4, %r2
                add %r4, 8
                jgt %r4, %r3, +10
                ldxw %r5, [%r1+12]
                add %r0, %r5
                mov %r4, %r2
                add %r4, %r6
                ldxb %r4, [%r4+0]
                add %r0, %r4
                stxdw [%r10-8], %r0
                add %r6, 1
                jlt %r6, 8, -9
                ldxdw %r0, [%r10-8]
                exit
                """);
        byte[] packet = new byte[20];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) (i + 1);
        }
        assertEquals(8 * 9 + (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8), p.run(XdpContext.builder().packet(packet)
                .ingressIfindex(9).build()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void theXdpExampleOnItsThreePaths(Engine engine) {
        LoadedObject obj = Bpf.open(EXAMPLES.resolve("xdp_filter.o")).engine(engine).load();
        obj.map("blocked").put(HexFormat.of().parseHex("0a000001"), 0L);
        Program p = obj.program("xdp_block");
        byte[] packet = HexFormat.of().parseHex(IPV4);
        assertEquals(1, p.run(XdpContext.of(packet)));
        packet[29] = 9;
        assertEquals(2, p.run(XdpContext.of(packet)));
        packet[13] = 6;
        assertEquals(2, p.run(XdpContext.of(packet)));
        assertEquals(2, p.run(XdpContext.of(new byte[10])));
    }
}
