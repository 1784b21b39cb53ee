package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.SkBuffContext;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link VariableSpec#setText} and {@link TypedMap#putText}: values typed as a command line gives them, read by BTF. */
class TextValuesTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();
    private static final byte[] UDP_TO_53 = HexFormat.of().parseHex("ffffffffffff001122334455" + "0800"
            + "4500001c00000000401100000a0000010a000002" + "1234003500080000");

    @Test
    void globalsAndStructKeysFromTextDriveTheProgram() {
        ObjectSpec spec = Bpf.open(ROOT.resolve("examples/packet_rewrite.o")).engine(Bpf.jit());
        spec.variable("default_mark").setText("0x2a");
        spec.variable("label").setText("\"eth0\"");
        spec.variable("priority").setText("16");
        assertEquals("eth0", spec.variable("label").value());
        try (LoadedObject obj = spec.load("tc_mark")) {
            Program tc = obj.program("tc_mark");
            SkBuffContext ctx = (SkBuffContext) tc.context().packet(UDP_TO_53).build();
            assertEquals(0, tc.run(ctx));
            assertEquals(42, ctx.field(SkBuffContext.MARK));
            assertEquals(16, ctx.field(SkBuffContext.PRIORITY));
            obj.map("rules").putText("{ .port = 53, .proto = 17 }", "{mark=9, drop=1}");
            assertEquals(Map.of("mark", 9L, "drop", 1L), obj.map("rules").get(Map.of("port", 53, "proto", 17)));
            ctx = (SkBuffContext) tc.context().packet(UDP_TO_53).build();
            assertEquals(2, tc.run(ctx), "TC_ACT_SHOT");
            assertEquals(9, ctx.field(SkBuffContext.MARK));
            assertEquals((int) 'e', ctx.field(SkBuffContext.CB));
        }
    }

    @Test
    void hexBytesAreTakenWhenTheyCanOnlyBeBytes() {
        try (LoadedObject obj = Bpf.open(ROOT.resolve("examples/xdp_filter.o")).load()) {
            TypedMap blocked = obj.map("blocked");
            blocked.putText("0a000001", "5");
            assertEquals(5L, blocked.get(0x0100000aL), "hex bytes in memory order: 10.0.0.1");
            blocked.putText("8080", "0x10");
            assertEquals(16L, blocked.get(8080L), "no letter, no leading zero: a decimal number");
            blocked.putText("00 00 1f 90", null);
            assertEquals(0L, blocked.get(0x901f0000L), "spaced bytes; no value: zeros");
        }
    }

    @Test
    void wrongTextIsOneMessageNamingWhere() {
        ObjectSpec spec = Bpf.open(ROOT.resolve("examples/packet_rewrite.o"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> spec.variable("label").setText("waytoolongforit"));
        assertTrue(tooLong.getMessage().contains("variable label"), tooLong.getMessage());
        try (LoadedObject obj = spec.load("tc_mark")) {
            TypedMap rules = obj.map("rules");
            IllegalArgumentException member = assertThrows(IllegalArgumentException.class,
                    () -> rules.putText("{port=53,prot=17}", null));
            assertEquals("map 'rules' key: struct flow has no member 'prot' (at character 14 of '{port=53,prot=17}')",
                    member.getMessage());
            IllegalArgumentException fit = assertThrows(IllegalArgumentException.class,
                    () -> rules.putText("{port=70000}", null));
            assertTrue(fit.getMessage().contains("key.port (__u16, 16 bits): 70000 does not fit"), fit.getMessage());
            IllegalArgumentException brace = assertThrows(IllegalArgumentException.class,
                    () -> rules.putText("{port=1", null));
            assertTrue(brace.getMessage().contains("expected '}' at the end"), brace.getMessage());
        }
    }
}
