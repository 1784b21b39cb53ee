package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.KernelModel;
import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.program.ProgramType;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ObjectSpec#programType}: a tc program in a section that names no type (as cilium's and
 * iproute2's objects have them) is refused as RAW and runs, on both engines, once typed; it uses
 * helpers of the kernel model (fib_lookup, get_hash_recalc, skb_change_tail, skb_vlan_push).
 */
class ProgramTypeOverrideTest {
    private static final Path OBJECT = Path.of(System.getProperty("jvmbpf.root", ".."), "library", "src", "test",
            "resources", "bpf", "untyped.o").normalize();
    /** Ethernet + IPv4 (UDP) from 10.0.0.1 to 10.1.2.3, with 4 bytes of payload. */
    private static final byte[] PACKET = HexFormat.of().parseHex(
            "ffffffffffff0011223344550800" + "450000200000000040110000" + "0a000001" + "0a010203" + "01020304");

    @Test
    void anUntypedSectionIsRawUntilTheTypeIsSet() {
        ObjectSpec spec = Bpf.open(OBJECT);
        assertEquals(ProgramType.RAW, spec.program("from_netdev").type());
        assertThrows(LoadException.class, () -> Bpf.open(OBJECT).load(), "ctx->data is no packet pointer in RAW");
        spec.programType("from_netdev", ProgramType.SCHED_CLS);
        assertEquals(ProgramType.SCHED_CLS, spec.program("from_netdev").type());
        try (LoadedObject o = spec.load()) {
            assertEquals(ProgramType.SCHED_CLS, o.program("from_netdev").type());
        }
        assertThrows(LoadException.class, () -> spec.programType("nope", ProgramType.XDP));
    }

    @Test
    void theTypedProgramRunsTheSameOnBothEngines() throws Exception {
        for (Engine engine : List.of(Bpf.interpreter(), Bpf.jit())) {
            KernelModel model = new KernelModel()
                    .route(InetAddress.getByName("10.1.0.0"), 16, 9, new byte[6], new byte[6]);
            ObjectSpec spec = Bpf.open(OBJECT).engine(engine).helpers(StandardHelpers.table(model))
                    .programType("from_netdev", ProgramType.SCHED_CLS);
            try (LoadedObject o = spec.load()) {
                Program p = o.program("from_netdev");
                SkBuffContext skb = (SkBuffContext) p.context().packet(PACKET).build();
                assertEquals(0, p.run(skb), engine.name());
                assertEquals(0, skb.field(SkBuffContext.CB + 4), "BPF_FIB_LKUP_RET_SUCCESS");
                assertEquals(9, skb.field(SkBuffContext.CB + 8), "the route's ifindex, read back from the stack");
                assertNotEquals(0, skb.field(SkBuffContext.CB), "a flow hash");
                assertEquals(PACKET.length + 4, skb.field(SkBuffContext.MARK), "data_end - data after change_tail");
                assertEquals(1, skb.field(SkBuffContext.VLAN_PRESENT));
                assertEquals(7, skb.field(SkBuffContext.VLAN_TCI));
                byte[] out = skb.packet();
                assertEquals(PACKET.length + 4, out.length);
                assertArrayEquals(PACKET, java.util.Arrays.copyOf(out, PACKET.length));
                assertTrue(model.effects().isEmpty(), "fib_lookup and the skb helpers have no kernel effect");
            }
        }
    }
}
