package dev.jvmbpf.jit;

import static dev.jvmbpf.runtime.isa.Opcodes.ALU_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ALU_SUB;
import static dev.jvmbpf.runtime.isa.Opcodes.ATOMIC_ADD;
import static dev.jvmbpf.runtime.isa.Opcodes.ATOMIC_FETCH;
import static dev.jvmbpf.runtime.isa.Opcodes.JMP_JNE;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_DW;
import static dev.jvmbpf.runtime.isa.Opcodes.SIZE_W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.memory.Region;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyAndUnloadingTest {
    private static final int THREADS = 4;
    private static final int ITERATIONS = 20_000;

    /**
     * Per iteration: a 64-bit atomic add of 1 and a 32-bit one of 2 on shared memory, and a
     * fetch-add on the thread's own stack. r0 is the final stack counter.
     */
    private static Executable counter() {
        Asm a = new Asm().mov(6, ITERATIONS).mov(2, 1).mov(3, 2).st(SIZE_DW, 10, -8, 0)
                .atomic(SIZE_DW, 1, 2, 0, ATOMIC_ADD)
                .atomic(SIZE_W, 1, 3, 8, ATOMIC_ADD)
                .mov(4, 1).atomic(SIZE_DW, 10, 4, -8, ATOMIC_ADD | ATOMIC_FETCH)
                .alu64(ALU_SUB, 6, 1).jmp(JMP_JNE, 6, 0, -6)
                .ldx(SIZE_DW, 0, 10, -8).alu64(ALU_ADD, 0, 0).exit();
        return Runs.jit(a.build());
    }

    @Test
    void oneCompiledProgramRunsOnManyThreadsWithRealAtomics() throws Exception {
        Executable exe = counter();
        byte[] shared = new byte[16];
        List<Future<Long>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    Machine m = exe.newMachine(Output.discard());
                    long total = 0;
                    for (int run = 0; run < 5; run++) {
                        m.beginRun();
                        long address = m.memory().register(Region.of("shared", shared, true));
                        total += exe.execute(m, address, shared.length, 0, 0, 0);
                    }
                    return total;
                }));
            }
            for (Future<Long> f : results) {
                assertEquals(5L * ITERATIONS, f.get());
            }
        }
        ByteBuffer b = ByteBuffer.wrap(shared).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((long) THREADS * 5 * ITERATIONS, b.getLong(0));
        assertEquals(THREADS * 5 * ITERATIONS * 2, b.getInt(8));
    }

    @Test
    void droppedProgramsAreUnloaded() {
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        System.gc();
        long unloadedBefore = classes.getTotalLoadedClassCount() - classes.getLoadedClassCount();
        int programs = 10_000;
        for (int i = 0; i < programs; i++) {
            Executable exe = Runs.jit(new Asm().mov(0, i).alu64(ALU_ADD, 0, 1).exit().build());
            if (i % 1000 == 0) {
                assertEquals(i + 1, Runs.run(exe));
            }
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long loadedNow = classes.getLoadedClassCount();
        long unloaded = classes.getTotalLoadedClassCount() - loadedNow - unloadedBefore;
        System.out.printf("compiled %d programs: %d classes unloaded, %d loaded now%n", programs, unloaded, loadedNow);
        // Each program is one hidden class; nearly all of them must be gone.
        assertTrue(unloaded >= programs * 9L / 10, "only " + unloaded + " classes unloaded");
    }
}
