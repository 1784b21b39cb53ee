package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.StandardHelpers;
import dev.jvmbpf.helpers.context.Contexts;
import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Map types the runtime declares but does not model fault at run time with a clear reason, on
 * both engines; devmaps answer an absent element with NULL. The fixture is legacy.o (its first
 * map, {@code packets}, is looked up with key 3 by {@code count_packets}), retyped in place.
 */
class UnmodelledMapRunTest {
    private static byte[] legacyWith(int type, int key, int value, int max, int flags) throws IOException {
        String root = System.getProperty("jvmbpf.root");
        Assumptions.assumeTrue(root != null, "system property jvmbpf.root is not set (run through Maven)");
        byte[] b = Files.readAllBytes(Path.of(root, "runtime/src/test/resources/elf/legacy.o"));
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = le.getLong(40);
        int shstrndx = le.getShort(62);
        long names = le.getLong((int) (shoff + 64L * shstrndx + 24));
        for (int i = 1; i < le.getShort(60); i++) {
            int h = (int) (shoff + 64L * i);
            int n = (int) names + le.getInt(h);
            if (b[n] == 'm' && b[n + 1] == 'a' && b[n + 2] == 'p' && b[n + 3] == 's' && b[n + 4] == 0) {
                int at = (int) le.getLong(h + 24);
                le.putInt(at, type).putInt(at + 4, key).putInt(at + 8, value).putInt(at + 12, max).putInt(at + 16, flags);
                return b;
            }
        }
        throw new AssertionError("legacy.o has no maps section");
    }

    private static long run(Engine engine, BpfObject object) {
        ObjectProgram p = object.program("count_packets");
        // verifyOrUnverified: the kernel (and the verifier) refuse a generic lookup in a storage
        // map; run without verification (--no-verify), the engines must still fault cleanly.
        Executable exe = engine.load(Verifier.verifyOrUnverified(p.program(), StandardHelpers.table()),
                StandardHelpers.table());
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        ProgramContext.Entry entry = Contexts.forType(p.type(), new byte[64]).install(m);
        return exe.execute(m, entry.r1(), entry.r2(), 0, 0, 0);
    }

    @Test
    void aStorageMapFaultsNamingItsTypeOnBothEngines() throws IOException {
        byte[] b = legacyWith(MapType.SK_STORAGE.id(), 4, 8, 0, MapFlags.BPF_F_NO_PREALLOC);
        ObjectProgram p = BpfObject.open(b, "legacy.o").program("count_packets");
        VerifierException refused = assertThrows(VerifierException.class,
                () -> Verifier.verify(p.program(), StandardHelpers.table()));
        assertTrue(refused.getMessage().contains("cannot pass map_type 24 into func bpf_map_lookup_elem#1"),
                refused.getMessage());
        for (Engine engine : List.of(new Interpreter(), new JitEngine())) {
            BpfFault f = assertThrows(BpfFault.class, () -> run(engine, BpfObject.open(b, "legacy.o")));
            assertEquals(FaultKind.HELPER, f.kind(), engine.name());
            assertTrue(f.getMessage().contains("does not model SK_STORAGE"), f.getMessage());
        }
    }

    @Test
    void anAbsentDevmapElementIsNullOnBothEngines() throws IOException {
        byte[] b = legacyWith(MapType.DEVMAP.id(), 4, 8, 8, 0);
        for (Engine engine : List.of(new Interpreter(), new JitEngine())) {
            assertEquals(0, run(engine, BpfObject.open(b, "legacy.o")), engine.name());
        }
    }
}
