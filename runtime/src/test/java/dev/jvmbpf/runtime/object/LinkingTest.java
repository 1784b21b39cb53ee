package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.Execution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Programs linked with their .text subprograms, checked by structure and by running them. */
class LinkingTest {
    private static long run(ObjectProgram p, HelperTable helpers) {
        Executable e = new Interpreter().load(Verifier.verifyOrUnverified(p.program(), helpers), helpers);
        return Execution.runOnce(e);
    }

    /** Function name at each local call target / function reference, by pc. */
    private static Map<Integer, String> callTargets(ObjectProgram p) {
        Map<Integer, String> out = new TreeMap<>();
        Instruction[] code = p.program().instructions();
        for (int pc = 0; pc < code.length; pc++) {
            boolean call = code[pc].opcode() == Opcodes.CALL && code[pc].src() == Opcodes.CALL_LOCAL;
            boolean func = code[pc].opcode() == Opcodes.LDDW && code[pc].src() == Opcodes.PSEUDO_FUNC;
            if (call || func) {
                int target = pc + code[pc].imm() + 1;
                ObjectProgram.Function f = p.functionAt(target);
                assertNotNull(f, "target " + target + " of pc " + pc + " lies in a function");
                assertEquals(f.start(), target, "calls land on function starts");
                out.put(pc, f.name());
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"multi.o", "multi-nog.o", "multi-v4.o", "multi-clang14.o", "multi-clang16.o"})
    void twoProgramsInOneSectionEachGetTheirSubprograms(String fixture) {
        BpfObject obj = BpfObject.open(Fixtures.bytes(fixture), fixture);
        List<String> names = new ArrayList<>();
        obj.programs().forEach(p -> names.add(p.name() + "@" + p.section()));
        assertEquals(List.of("first@tc", "second@tc", "third@kprobe/do_nanosleep"), names);

        ObjectProgram first = obj.program("first");
        assertEquals(ProgramType.SCHED_CLS, first.type());
        List<String> firstFunctions = first.functions().stream().map(ObjectProgram.Function::name).toList();
        assertEquals(List.of("first", "sum_of_squares", "square"), firstFunctions);
        assertTrue(callTargets(first).values().containsAll(List.of("sum_of_squares", "square")));
        assertEquals(3 * 3 + 4 * 4, run(first, HelperTable.empty()));

        ObjectProgram third = obj.program("third");
        assertEquals(ProgramType.KPROBE, third.type());
        assertEquals(List.of("third", "square"), third.functions().stream().map(ObjectProgram.Function::name).toList());
        assertEquals(36, run(third, HelperTable.empty()));

        ObjectProgram second = obj.program("second");
        Map<Integer, String> targets = callTargets(second);
        assertTrue(targets.containsValue("add_index"), "the bpf_loop callback is referenced: " + targets);
        assertTrue(targets.containsValue("square"), targets.toString());
    }

    @Test
    void staticFunctionInAProgramSectionIsAProgramAndStillCallable() {
        // libbpf: every function of a program section is a program, static ones too
        BpfObject obj = BpfObject.open(Fixtures.bytes("samesection.o"), "samesection.o");
        assertEquals(List.of("calls_neighbour", "triple"), obj.programs().stream().map(ObjectProgram::name).toList());
        assertEquals(ProgramType.XDP, obj.program("triple").type());
        ObjectProgram p = obj.program("calls_neighbour");
        assertEquals(List.of("calls_neighbour", "triple"), p.functions().stream().map(ObjectProgram.Function::name)
                .toList());
        assertEquals("xdp", p.functions().get(1).section());
        assertEquals(Map.of(0, "triple"), callTargets(p));
        assertEquals(42, run(p, HelperTable.empty()));
        assertEquals(42, run(obj.program("triple"), HelperTable.empty()), "clang folded the only argument, 14");
    }

    @ParameterizedTest
    @ValueSource(strings = {"voidcall.o", "voidcall-nog.o"})
    void voidSubprogramLeavingR0UnsetIsAccepted(String fixture) {
        // push() returns void: clang ends it with a bare exit. The kernel checks r0 only at the
        // entry function's exit; the verifier used to refuse this with "R0 !read_ok".
        BpfObject obj = BpfObject.open(Fixtures.bytes(fixture), fixture);
        ObjectProgram p = obj.program("collect");
        Verifier.verify(p.program(), HelperTable.empty());
        assertEquals(10 + 20 + 30 + 40 + 4, run(p, HelperTable.empty()), "the fifth push finds the array full");
    }

    @Test
    void textOnlyObjectRunsEachGlobalFunctionAsARawProgram() {
        // the ubpf convention: no SEC() at all, every function in .text
        BpfObject obj = BpfObject.open(Fixtures.bytes("textonly.o"), "textonly.o");
        assertEquals(List.of("helper_only", "not_a_program"), obj.programs().stream().map(ObjectProgram::name).toList());
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("no program sections")), obj.notes().toString());
        ObjectProgram p = obj.program("not_a_program");
        assertEquals(ProgramType.RAW, p.type());
        assertEquals(List.of("not_a_program", "helper_only"), p.functions().stream().map(ObjectProgram.Function::name)
                .toList());
        Verifier.verify(p.program(), HelperTable.empty());
        assertEquals(1, run(p, HelperTable.empty()));
    }

    @Test
    void textFunctionsAreNotProgramsBesideProgramSections() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("multi.o"), "multi.o");
        assertTrue(obj.programs().stream().noneMatch(p -> p.section().equals(".text")), obj.programs().toString());
    }

    @Test
    void aProgramTypeCanBeForcedWhateverTheSection() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("textonly.o"), "textonly.o");
        ObjectProgram forced = obj.setProgramType("not_a_program", ProgramType.SCHED_CLS);
        assertEquals(ProgramType.SCHED_CLS, forced.type());
        assertEquals(ProgramType.SCHED_CLS, obj.program("not_a_program").type());
        assertEquals(ProgramType.SCHED_CLS, forced.program().type());
        assertTrue(forced.note().contains("set by the user"), forced.note());
        assertEquals(ProgramType.RAW, obj.program("helper_only").type());
        assertEquals(obj.programs().size(), 2);
        assertThrows(LoadException.class, () -> obj.setProgramType("nope", ProgramType.XDP));
        assertEquals(1, obj.setTypeOfUntypedPrograms(ProgramType.SOCKET_FILTER), "only helper_only is still RAW");
        assertEquals(ProgramType.SOCKET_FILTER, obj.program("helper_only").type());
        assertEquals(ProgramType.SCHED_CLS, obj.program("not_a_program").type());
    }

    @Test
    void linkedSubprogramsCarryTheirSourceLines() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("multi.o"), "multi.o");
        ObjectProgram first = obj.program("first");
        ObjectProgram.Function square = first.functions().stream().filter(f -> f.name().equals("square"))
                .findFirst().orElseThrow();
        assertEquals(".text", square.section());
        assertTrue(first.lineInfo().stream().anyMatch(l -> square.start() <= l.insn()
                && l.insn() < square.start() + square.length() && l.source().contains("x * x")), first.lineInfo().toString());
        assertTrue(first.sourceLine(square.start()).file().endsWith("multi.bpf.c"));
        assertTrue(first.sourceLine(0).source().contains("sum_of_squares"), first.sourceLine(0).toString());
        String where = first.describe(square.start() + 1);
        assertTrue(where.startsWith("square+1 (multi.bpf.c:9:"), where);
        assertTrue(where.endsWith("return x * x;)"), where);
        assertEquals("pc 9999", first.describe(9999));
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed.o", "seed-nog.o", "seed-clang14.o", "seed-clang16.o"})
    void seedProgramPrintsItsFormatStringFromRodata(String fixture) {
        BpfObject obj = BpfObject.open(Fixtures.bytes(fixture), fixture);
        List<String> printed = new ArrayList<>();
        HelperTable helpers = HelperTable.of(List.of(
                new HelperSpec(14, "get_current_pid_tgid", List.of(), (m, a, b, c, d, e) -> 4242L << 32 | 7),
                new HelperSpec(6, "trace_printk", List.of(ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING),
                        (m, fmt, size, a, b, c) -> {
                            byte[] text = m.memory().read(fmt, (int) size);
                            printed.add(new String(text, 0, text.length - 1, java.nio.charset.StandardCharsets.US_ASCII)
                                    .replace("%d", Long.toString(a)));
                            return 0;
                        })));
        assertEquals(0, run(obj.program("trace_execve"), helpers));
        assertEquals(List.of("execve called by PID: 4242\n"), printed);
    }

    @Test
    void globalDataProgramRunsAgainstItsSections() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("globals.o"), "globals.o");
        List<Long> printed = new ArrayList<>();
        HelperTable helpers = HelperTable.of(List.of(new HelperSpec(6, "trace_printk",
                List.of(ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING),
                (m, fmt, size, a, b, c) -> {
                    printed.add(size);
                    return 0;
                })));
        assertEquals(7, run(obj.program("use_globals"), helpers));
        assertEquals(101, obj.map(".data").map().lookup(new byte[4]).get(0, 8), "hits++");
        assertEquals(5 + 'j', obj.map(".data.custom").map().lookup(new byte[4]).get(0, 4), "custom += banner[0]");
        assertEquals(1, printed.size());
    }

    @Test
    void sectionNamesGiveLibbpfProgramTypes() {
        BpfObject obj = BpfObject.open(Fixtures.bytes("sections.o"), "sections.o");
        Map<String, ProgramType> expected = Map.ofEntries(
                Map.entry("p_tracepoint", ProgramType.TRACEPOINT), Map.entry("p_kprobe", ProgramType.KPROBE),
                Map.entry("p_kretprobe", ProgramType.KPROBE), Map.entry("p_uprobe", ProgramType.KPROBE),
                Map.entry("p_xdp", ProgramType.XDP), Map.entry("p_tc", ProgramType.SCHED_CLS),
                Map.entry("p_classifier", ProgramType.SCHED_CLS), Map.entry("p_action", ProgramType.SCHED_ACT),
                Map.entry("p_socket", ProgramType.SOCKET_FILTER), Map.entry("p_raw_tp", ProgramType.RAW_TRACEPOINT),
                Map.entry("p_raw_tracepoint", ProgramType.RAW_TRACEPOINT), Map.entry("p_fentry", ProgramType.TRACING),
                Map.entry("p_fexit", ProgramType.TRACING), Map.entry("p_tp_btf", ProgramType.TRACING),
                Map.entry("p_perf_event", ProgramType.PERF_EVENT), Map.entry("p_syscall", ProgramType.SYSCALL),
                Map.entry("p_cgroup_skb", ProgramType.RAW), Map.entry("p_custom", ProgramType.RAW));
        assertEquals(expected.size(), obj.programs().size());
        for (ObjectProgram p : obj.programs()) {
            assertEquals(expected.get(p.name()), p.type(), p.name() + " in " + p.section());
            if (p.type() == ProgramType.RAW) {
                assertNotNull(p.note());
                assertTrue(p.note().contains(p.section()), p.note());
            } else {
                assertNull(p.note(), p.name());
            }
        }
        assertTrue(obj.program("p_cgroup_skb").note().contains("cgroup_skb"));
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("my_custom_section")), obj.notes().toString());
    }
}
