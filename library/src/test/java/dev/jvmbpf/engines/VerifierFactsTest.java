package dev.jvmbpf.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.Bpf;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Programs built to make a fact the verifier hands the JIT wrong, or to make the JIT's fast paths
 * part from the helpers' (found in review): each runs on both engines with two 4-entry array maps
 * (element k of map m holds 100 * (m + 1) + k) and must give the same result or the same fault.
 * <ul>
 * <li>map1, loop1, frame1: a value spilled to the stack and overwritten through an untracked
 *     copy of r10 (from callx), then reloaded and used as a map, a callback, a stack pointer.
 * <li>zero1, zero2: a helper reached through callx reads stack its call never wrote (a callback's
 *     second iteration, a second callee), so frames must still be zeroed.
 * <li>ctxkey: an array-map key read from the XDP context, whose bytes are not its computed fields.
 * <li>rawxdp: an XDP program run with a raw context, whose data field does not point into the
 *     packet the context sets.
 * <li>ret1: a bpf_loop callback whose return of 7 only paths the kernel proves dead reach.
 * </ul>
 * And stale: a callee returning a pointer into its own frame, which the kernel refuses and so
 * does the verifier now (the JIT keeps some frames in locals).
 */
class VerifierFactsTest {
    private static String source(String name) {
        try (InputStream in = VerifierFactsTest.class.getResourceAsStream("/review/" + name + ".s")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<BpfMap> maps() {
        List<BpfMap> maps = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            BpfMap map = Maps.create(new MapSpec("m" + m, MapType.ARRAY, 4, 8, 4, 0, 0));
            for (int k = 0; k < 4; k++) {
                map.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array(),
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(100L * (m + 1) + k).array(), 0);
            }
            maps.add(map);
        }
        return maps;
    }

    private static String outcome(Engine engine, ProgramType type, String asm, Supplier<ProgramContext> context) {
        var program = Bpf.of(new BpfProgram("t", "", type, Assembler.assemble(asm), maps(), "GPL")).engine(engine).load().program();
        try {
            return "r0 " + (context == null ? program.run() : program.run(context.get()));
        } catch (BpfFault f) {
            return f.kind() + " at pc " + f.pc();
        }
    }

    @Test
    void aStackPointerReturnedByACalleeIsRefused() {
        LoadException e = assertThrows(LoadException.class,
                () -> Bpf.of(new BpfProgram("t", "", ProgramType.RAW,
                        Assembler.assemble(source("stale")), maps(), "GPL")).engine(new JitEngine()).load().program());
        assertTrue(e.getMessage().endsWith("pc 7 (exit): cannot return stack pointer to the caller"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"map1, RAW, 200", "loop1, RAW, 1", "frame1, RAW, 22", "zero1, RAW, 0", "zero2, RAW, 0",
        "ctxkey, XDP, ", "rawxdp, XDP, ", "ret1, RAW, 4"})
    void bothEnginesAgree(String name, ProgramType type, Long expected) {
        String asm = source(name);
        Supplier<ProgramContext> context = switch (name) {
            case "ctxkey" -> () -> XdpContext.of(new byte[64]);
            case "rawxdp" -> () -> new RawContext(new byte[] {8, 0, 0, 0, 16, 0, 0, 0, 0x55, 0, 0, 0, 0, 0, 0, 0});
            default -> null;
        };
        String interpreter = outcome(new Interpreter(), type, asm, context);
        assertEquals(interpreter, outcome(new JitEngine(), type, asm, context), name);
        if (expected != null) {
            assertEquals("r0 " + expected, interpreter, name);
        }
    }
}
