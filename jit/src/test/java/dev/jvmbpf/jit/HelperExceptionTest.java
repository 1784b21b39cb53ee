package dev.jvmbpf.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Java helper that throws: the run stops with a HELPER fault naming the pc and the helper, whose
 * cause is the helper's own exception, stack trace and all, on both engines. An Error is no
 * helper's failure but it does not escape either: an INTERNAL fault, with the Error as its cause.
 */
class HelperExceptionTest {
    private static final int ID = 1000;

    static Engine engine(String name) {
        return name.equals("jit") ? new JitEngine() : new Interpreter();
    }

    private static BpfFault run(String engine, String asm, Throwable thrown) {
        HelperSpec throwing = new HelperSpec(ID, "throwing", List.of(), (m, r1, r2, r3, r4, r5) -> {
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) thrown;
        });
        Executable exe = engine(engine).load(Verifier.verifyOrUnverified(BpfProgram.raw("t", Assembler.assemble(asm)), HelperTable.of(List.of(throwing))), HelperTable.of(List.of(throwing)));
        var machine = exe.newMachine(Output.discard());
        machine.beginRun();
        return assertThrows(BpfFault.class, () -> exe.execute(machine, 0, 0, 0, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void theHelpersExceptionIsTheCause(String engine) {
        NullPointerException npe = new NullPointerException("no value");
        BpfFault fault = run(engine, "mov %r0, 0\nmov %r1, 1\ncall " + ID + "\nexit\n", npe);
        assertEquals(FaultKind.HELPER, fault.kind());
        assertEquals(2, fault.pc());
        assertSame(npe, fault.getCause());
        assertTrue(fault.getCause().getStackTrace().length > 0, "the cause keeps its stack trace");
        assertTrue(fault.getMessage().startsWith("helper at pc 2"), fault.getMessage());
        assertTrue(fault.getMessage().contains("helper throwing (1000) failed: java.lang.NullPointerException: no value"),
                fault.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aCallInACalleeKeepsTheCauseAndItsPc(String engine) {
        NullPointerException npe = new NullPointerException();
        BpfFault fault = run(engine, "call local f\nexit\nf:\nmov %r1, 1\ncall " + ID + "\nexit\n", npe);
        assertEquals(FaultKind.HELPER, fault.kind());
        assertEquals(3, fault.pc());
        assertSame(npe, fault.getCause());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void anErrorInAHelperIsAnInternalFaultWithItsCause(String engine) {
        StackOverflowError error = new StackOverflowError("deep");
        BpfFault fault = run(engine, "mov %r0, 0\ncall " + ID + "\nexit\n", error);
        assertEquals(FaultKind.INTERNAL, fault.kind());
        assertEquals(1, fault.pc());
        assertSame(error, fault.getCause());
    }

    /**
     * Split functions note their pcs in the machine: a helper that runs a split callback and then
     * fails is still located at its own call in the (split) caller.
     */
    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void aHelperFailingAfterASplitCallbackIsLocatedAtItsCall(String engine) {
        HelperSpec callThenThrow = new HelperSpec(ID, "throwing", List.of(), (m, r1, r2, r3, r4, r5) -> {
            m.callbackInvoker().invoke(m, r1, 0, 0, 0, 0, 0);
            throw new IllegalStateException("after the callback");
        });
        StringBuilder asm = new StringBuilder();
        padding(asm, 3000);
        int call = 3000 + 2;
        asm.append("ldfunc %r1, cb\ncall ").append(ID).append("\nexit\ncb:\n");
        padding(asm, 3000);
        asm.append("exit\n");
        HelperTable helpers = HelperTable.of(List.of(callThenThrow));
        BpfProgram program = BpfProgram.raw("split", Assembler.assemble(asm.toString()));
        List<String> methods = new java.util.ArrayList<>();
        new org.objectweb.asm.ClassReader(dev.jvmbpf.jit.internal.ClassDefiner.classBytes(
                Verifier.verifyOrUnverified(program, helpers), helpers)).accept(
                new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
                    @Override
                    public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String d,
                            String sig, String[] ex) {
                        methods.add(name);
                        return null;
                    }
                }, 0);
        boolean calleeSplit = methods.stream().anyMatch(m -> m.matches("f\\d+_c1") && !m.equals("f0_c1"));
        assertTrue(methods.contains("f0_c1") && calleeSplit, "both functions are split: " + methods);
        Executable exe = engine(engine).load(Verifier.verifyOrUnverified(program, helpers), helpers);
        var machine = exe.newMachine(Output.discard());
        // A budget makes every block note its pc (its charge can fault), the callback's too.
        machine.setBudget(1_000_000);
        machine.beginRun();
        BpfFault fault = assertThrows(BpfFault.class, () -> exe.execute(machine, 0, 0, 0, 0, 0));
        assertEquals(FaultKind.HELPER, fault.kind());
        assertEquals(call, fault.pc());
    }

    /** Instructions enough to split a function on the JIT: r0 and stack arithmetic, n of them. */
    private static void padding(StringBuilder asm, int n) {
        asm.append("mov %r0, 1\n");
        for (int i = 1; i < n; i++) {
            asm.append(i % 3 == 0 ? "stxdw [%r10-8], %r0\n" : "mul %r0, " + (i * 7 + 3) + "\n");
        }
    }
}
