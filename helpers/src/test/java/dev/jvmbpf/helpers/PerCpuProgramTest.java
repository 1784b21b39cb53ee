package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** percpu.c (committed with build.sh): bpf_map_lookup_percpu_elem from a clang-compiled program. */
class PerCpuProgramTest {
    private static BpfObject object() throws Exception {
        try (InputStream in = PerCpuProgramTest.class.getResourceAsStream("/bpf/percpu.o")) {
            return BpfObject.open(in.readAllBytes(), "percpu.o");
        }
    }

    /** A per-CPU value in the syscall view: CPU c holds {@code first + c * step}. */
    private static byte[] perCpu(long first, long step) {
        ByteBuffer b = ByteBuffer.allocate(8 * Cpus.count()).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < Cpus.count(); c++) {
            b.putLong(first + c * step);
        }
        return b.array();
    }

    @Test
    void programSumsEveryCpusValue() throws Exception {
        BpfObject obj = object();
        int n = Cpus.count();
        // As a skeleton sets rodata before load: the program loops over nr_cpus CPUs.
        byte[] rodata = obj.map(".rodata").map().lookupValue(new byte[4]);
        ByteBuffer.wrap(rodata).order(ByteOrder.LITTLE_ENDIAN).putInt(0, n);
        assertEquals(0, obj.map(".rodata").map().update(new byte[4], rodata, 0));
        assertEquals(0, obj.map("counts").map().update(new byte[4], perCpu(0, 10), 0));
        assertEquals(0, obj.map("by_key").map().update(new byte[] {7, 0, 0, 0}, perCpu(1, 1), 0));

        Executable exe = new Interpreter().load(Verifier.verifyOrUnverified(obj.program("sum_cpus").program(), StandardHelpers.table()), StandardHelpers.table());
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        long r0 = exe.execute(m, 0, 0, 0, 0, 0);

        long counts = 10L * n * (n - 1) / 2 + 1; // the program added 1 on its own CPU first
        long byKey = 1000L * n * (n + 1) / 2;
        assertEquals(counts + byKey, r0);
    }
}
