package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.btf.BtfKind;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.object.internal.MapReader;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BpfObjectTest {
    private static BpfObject open(String fixture) {
        return BpfObject.open(Fixtures.bytes(fixture), fixture);
    }

    private static String rodataString(BpfObject obj, String map, int offset) {
        byte[] v = obj.map(map).map().lookup(new byte[4]).toByteArray();
        int end = offset;
        while (v[end] != 0) {
            end++;
        }
        return new String(v, offset, end - offset, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed.o", "seed-nog.o", "seed-clang14.o", "seed-clang16.o"})
    void seedProgramLoadsWithItsFormatStringInRodata(String fixture) {
        BpfObject obj = open(fixture);
        assertEquals("GPL", obj.license());
        ObjectProgram p = obj.program("trace_execve");
        assertEquals(ProgramType.TRACEPOINT, p.type());
        assertEquals("tp/syscalls/sys_enter_execve", p.section());
        assertNull(p.note());
        Instruction[] code = p.program().instructions();
        List<Integer> helpers = new ArrayList<>();
        int lddw = -1;
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].opcode() == Opcodes.CALL && code[pc].src() == Opcodes.CALL_HELPER) {
                helpers.add(code[pc].imm());
            }
            if (code[pc].opcode() == Opcodes.LDDW) {
                lddw = pc;
            }
        }
        assertEquals(List.of(14, 6), helpers);
        assertTrue(lddw >= 0, "the format string is loaded by an lddw");
        assertEquals(Opcodes.PSEUDO_MAP_IDX_VALUE, code[lddw].src());
        BpfProgram program = p.program();
        ObjectMap rodata = obj.map(".rodata");
        assertSame(rodata.map(), program.maps().get(code[lddw].imm()));
        assertEquals(MapKind.GLOBAL_DATA, rodata.kind());
        assertTrue(rodata.readOnly());
        assertEquals(MapFlags.BPF_F_RDONLY_PROG, rodata.spec().flags() & MapFlags.BPF_F_RDONLY_PROG);
        assertEquals("execve called by PID: %d\n", rodataString(obj, rodata.name(), code[lddw + 1].imm()));
        Region value = rodata.map().lookup(new byte[4]);
        assertTrue(!value.writable(), ".rodata is read-only for programs");
    }

    @Test
    void seedWithDebugInfoHasLineInfoAndContextType() {
        BpfObject obj = open("seed.o");
        ObjectProgram p = obj.program("trace_execve");
        assertNotNull(obj.btf());
        assertNotNull(p.contextType());
        assertEquals("trace_event_raw_sys_enter", p.contextType().name());
        assertNotNull(p.contextType().member("args"));
        assertTrue(p.sourceLine(0).source().contains("bpf_get_current_pid_tgid"), p.sourceLine(0).toString());
        assertTrue(p.sourceLine(0).file().endsWith("seed.bpf.c"));
        assertEquals(6, p.sourceLine(0).line());
    }

    @Test
    void objectWithoutDebugInfoHasNoBtf() {
        BpfObject obj = open("seed-nog.o");
        assertNull(obj.btf());
        assertNull(obj.program("trace_execve").contextType());
        assertNull(obj.program("trace_execve").sourceLine(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps.o", "maps-clang14.o", "maps-clang16.o"})
    void btfDefinedMaps(String fixture) {
        BpfObject obj = open(fixture);
        ObjectMap events = obj.map("events");
        assertEquals(MapKind.BTF, events.kind());
        assertEquals(MapType.HASH, events.spec().type());
        assertEquals(4, events.spec().keySize());
        assertEquals(32, events.spec().valueSize());
        assertEquals(1024, events.spec().maxEntries());
        assertEquals("struct event", obj.btf().describe(events.valueType()));
        ObjectMap counters = obj.map("counters");
        assertEquals(MapType.ARRAY, counters.spec().type());
        assertEquals(8, counters.spec().valueSize());
        assertEquals(4, counters.spec().maxEntries());
        ObjectMap scratch = obj.map("scratch");
        assertEquals(MapType.PERCPU_ARRAY, scratch.spec().type());
        assertEquals(4, scratch.spec().keySize());
        assertEquals(16, scratch.spec().valueSize());
        assertEquals(0, scratch.keyType());

        BpfProgram p = obj.program("count_events").program();
        assertEquals(ProgramType.SOCKET_FILTER, p.type());
        assertEquals("Dual BSD/GPL", p.license());
        List<String> referenced = new ArrayList<>();
        Instruction[] code = p.instructions();
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].opcode() == Opcodes.LDDW && code[pc].src() == Opcodes.PSEUDO_MAP_IDX) {
                referenced.add(p.maps().get(code[pc].imm()).spec().name());
                assertEquals(0, code[pc + 1].imm());
            }
        }
        assertTrue(referenced.containsAll(List.of("counters", "events")), referenced.toString());
        assertSame(counters.map(), p.maps().get(code[indexOfMapLoad(code, p, "counters")].imm()));
    }

    private static int indexOfMapLoad(Instruction[] code, BpfProgram p, String name) {
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].opcode() == Opcodes.LDDW && code[pc].src() == Opcodes.PSEUDO_MAP_IDX
                    && p.maps().get(code[pc].imm()).spec().name().equals(name)) {
                return pc;
            }
        }
        return -1;
    }

    @Test
    void dumpsFormatEntriesByTheirBtfTypes() {
        BpfObject obj = open("maps.o");
        java.nio.ByteBuffer v = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        v.putInt(42).putInt(-1).put("bash\0\0\0\0".getBytes(StandardCharsets.US_ASCII)).putLong(7).putInt(1 | 5 << 1);
        assertEquals(0, obj.map("events").map().update(new byte[] {42, 0, 0, 0}, v.array(), MapFlags.BPF_ANY));
        assertEquals("key: 42 value: { .pid = 42, .delta = -1, .comm = \"bash\", .count = 7, .flag = 1, .level = 5 }\n",
                obj.dump("events"));
        String counters = obj.dump("counters");
        assertTrue(counters.startsWith("key: 0 value: 0\nkey: 1 value: 0\n"), counters);
        BpfObject globals = open("globals.o");
        assertTrue(globals.dump(".data").contains(".hits = 100"), globals.dump(".data"));
        BpfObject legacy = open("legacy-nog.o");
        assertTrue(legacy.dump("packets").startsWith("key: 00 00 00 00 value: 00 00 00 00 00 00 00 00\n"),
                legacy.dump("packets"));
    }

    @Test
    void globalVariablesAreFormattedAtTheirSymbolOffsets() {
        // clang writes every global of a DATASEC at offset 0; before the fix-up all three .rodata
        // values were read from offset 0 (.max_args = -1) and .filtered showed .total.
        BpfObject obj = open("datasec.o");
        assertEquals("key: 00 00 00 00 value: { .targ_uid = 4294967295, .ignore_failed = true, .max_args = 3 }\n",
                obj.dump(".rodata"));
        assertEquals("key: 00 00 00 00 value: { .ratios = [1, 2, 3], .tag = \"ab\" }\n", obj.dump(".data"));
        assertEquals("key: 00 00 00 00 value: { .total = 0, .filtered = 0 }\n", obj.dump(".bss"));
        assertEquals("key: 00 00 00 00 value: { .table = [11, 22] }\n", obj.dump(".rodata.cst16"));

        Executable e = new Interpreter().load(Verifier.verifyOrUnverified(obj.program("count").program(), HelperTable.empty()), HelperTable.empty());
        Machine m = e.newMachine(Output.discard());
        m.beginRun();
        assertEquals(3, e.execute(m, 0, 0, 0, 0, 0));
        assertEquals("key: 00 00 00 00 value: { .total = 22, .filtered = 0 }\n", obj.dump(".bss"));
        assertEquals("key: 00 00 00 00 value: { .ratios = [1, 2, 4], .tag = \"ab\" }\n", obj.dump(".data"));

        BtfType.Datasec rodata = (BtfType.Datasec) obj.btf().find(BtfKind.DATASEC, ".rodata");
        assertEquals(12, rodata.size(), "the section's size, where clang wrote 0");
        assertEquals(List.of(0, 4, 8), rodata.vars().stream().map(BtfType.SectionVar::offset).toList());
    }

    @Test
    void byteArraysAreNumbersAndCharArraysStrings() {
        // __u8 and unsigned char arrays used to print as strings cut at the first zero byte:
        // ::1 showed as "" and a MAC starting with 00 vanished. As bpftool, only char is text.
        assertEquals("key: 00 00 00 00 value: { .gateway = { .mac = [0, 17, 34, 51, 68, 85], .flags = [1, 2],"
                + " .name = \"gw0\", .addr6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] } }\n",
                open("bytearrays.o").dump(".rodata"));
    }

    @Test
    void btfMapsWithoutBtfAreAClearError() {
        LoadException e = assertThrows(LoadException.class, () -> open("maps-nog.o"));
        assertTrue(e.getMessage().contains(".maps") && e.getMessage().contains("-g"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy.o", "legacy-nog.o"})
    void legacyMapsSection(String fixture) {
        BpfObject obj = open(fixture);
        assertEquals(0x060100, obj.kernelVersion());
        ObjectMap packets = obj.map("packets");
        assertEquals(MapKind.LEGACY, packets.kind());
        assertEquals(MapType.ARRAY, packets.spec().type());
        assertEquals(4, packets.spec().keySize());
        assertEquals(8, packets.spec().valueSize());
        assertEquals(256, packets.spec().maxEntries());
        ObjectMap flows = obj.map("flows");
        assertEquals(MapType.HASH, flows.spec().type());
        assertEquals(8, flows.spec().keySize());
        assertEquals(4, flows.spec().valueSize());
        assertEquals(64, flows.spec().maxEntries());
        assertEquals(1, flows.spec().flags());
        BpfProgram p = obj.program("count_packets").program();
        assertTrue(indexOfMapLoad(p.instructions(), p, "packets") >= 0);
        assertTrue(indexOfMapLoad(p.instructions(), p, "flows") >= 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"globals.o", "globals-clang14.o", "globals-clang16.o"})
    void globalDataSectionsBecomeSingleEntryArrays(String fixture) {
        BpfObject obj = open(fixture);
        ObjectMap data = obj.map(".data");
        // libbpf's names: up to 8 characters of the object name before a short section name.
        String prefix = fixture.equals("globals.o") ? "globals" : "globals_";
        assertEquals(prefix + ".data", data.spec().name());
        assertSame(data, obj.map(prefix + ".data"));
        assertEquals(MapType.ARRAY, data.spec().type());
        assertEquals(1, data.spec().maxEntries());
        assertEquals(4, data.spec().keySize());
        assertTrue(!data.readOnly());
        long hits = data.map().lookup(new byte[4]).get(0, 8);
        assertEquals(100, hits, "hits starts at 100");
        ObjectMap bss = obj.map(".bss");
        assertEquals(MapKind.GLOBAL_DATA, bss.kind());
        byte[] zeros = new byte[bss.spec().valueSize()];
        assertArrayEquals(zeros, bss.map().lookup(new byte[4]).toByteArray());
        ObjectMap rodata = obj.map(".rodata");
        assertTrue(rodata.readOnly());
        assertEquals(7, rodata.map().lookup(new byte[4]).get(0, 4) & 0xff, "threshold = 7 is somewhere in .rodata");
        assertTrue(obj.notes().stream().anyMatch(n -> n.startsWith(".rodata: 2 relocation(s)")), obj.notes().toString());
        assertEquals(MapKind.GLOBAL_DATA, obj.map(".rodata.str1.1").kind());
        ObjectMap custom = obj.map(".data.custom");
        assertEquals(5, custom.map().lookup(new byte[4]).get(0, 4));
        assertEquals("glo.data.custom", custom.spec().name());

        BpfProgram p = obj.program("use_globals").program();
        assertEquals(ProgramType.XDP, p.type());
        List<String> sections = new ArrayList<>();
        Instruction[] code = p.instructions();
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].opcode() == Opcodes.LDDW) {
                assertEquals(Opcodes.PSEUDO_MAP_IDX_VALUE, code[pc].src());
                String n = p.maps().get(code[pc].imm()).spec().name();
                if (!sections.contains(n)) {
                    sections.add(n);
                }
            }
        }
        assertTrue(sections.containsAll(List.of(prefix + ".data", prefix + ".bss", prefix + ".rodata", "glo.data.custom")),
                sections.toString());
    }

    @Test
    void globalVariablesAreAddressedAtTheirSymbolOffsets() {
        BpfObject obj = open("globals.o");
        BpfProgram p = obj.program("use_globals").program();
        Instruction[] code = p.instructions();
        ObjectMap rodata = obj.map(".rodata");
        boolean sawBanner = false;
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].opcode() == Opcodes.LDDW && p.maps().get(code[pc].imm()) == rodata.map()) {
                int offset = code[pc + 1].imm();
                byte[] v = rodata.map().lookup(new byte[4]).toByteArray();
                if (offset + 6 <= v.length && new String(v, offset, 6, StandardCharsets.US_ASCII).equals("jvmbpf")) {
                    sawBanner = true;
                }
            }
        }
        assertTrue(sawBanner, "an lddw points at banner's bytes in .rodata");
    }

    @Test
    void mapLibbpfNames() {
        assertEquals("globals.rodata", MapReader.internalMapName("globals", ".rodata"));
        assertEquals("g.rodata.str1.1", MapReader.internalMapName("globals", ".rodata.str1.1"));
        assertEquals("a_very_l.rodata", MapReader.internalMapName("a-very-long-name", ".rodata"));
    }
}
