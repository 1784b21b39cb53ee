package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.testing.Runaway;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Through the front door: a deadline or an interrupt stops a runaway program; a helper's exception is the fault's cause. */
class CancellationApiTest {
    private static final String ENDLESS = "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit\n";

    private static Program load(String engine, String asm, Duration deadline) {
        // ENDLESS never ends, so the verifier refuses it as the kernel would: it runs unverified.
        return Bpf.of(BpfProgram.raw("t", Assembler.assemble(asm))).engine(Bpf.engine(engine)).deadline(deadline)
                .noVerify().load().program();
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aDeadlineStopsEveryRunAtAPcInTheLoop(String engine) {
        Program p = load(engine, ENDLESS, Duration.ofMillis(50));
        for (int i = 0; i < 2; i++) {
            Runaway.runOnThread(p::run, false).assertDeadline(1, 2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void anInterruptStopsTheRunAndStaysSet(String engine) {
        Program p = load(engine, ENDLESS, null);
        Runaway.runOnThread(p::run, true).assertInterrupted(1, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aHelpersExceptionIsTheFaultsCause(String engine) {
        NullPointerException npe = new NullPointerException("no value");
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(1000, "throwing", List.of(),
                (m, r1, r2, r3, r4, r5) -> {
                    throw npe;
                })));
        Program p = Bpf.of(BpfProgram.raw("t", Assembler.assemble("call 1000\nexit\n"))).engine(Bpf.engine(engine))
                .helpers(helpers).load().program();
        BpfFault f = assertThrows(BpfFault.class, p::run);
        assertEquals(FaultKind.HELPER, f.kind());
        assertEquals(0, f.pc());
        assertEquals(npe, f.getCause());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aNegativeDeadlineIsRefused(String engine) {
        assertThrows(IllegalArgumentException.class, () -> Bpf.of(BpfProgram.raw("t", Assembler.assemble(ENDLESS)))
                .engine(Bpf.engine(engine)).deadline(Duration.ofMillis(-1)));
    }
}
