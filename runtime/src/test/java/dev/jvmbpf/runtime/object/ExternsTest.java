package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.elf.Fixtures;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.runtime.verifier.VerifierException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Extern symbols as libbpf resolves them: {@code __kconfig} values in a {@code .kconfig} map,
 * weak externs as 0, calls of extern functions as (unresolved) kfunc calls. The fixtures' own
 * symbols are turned into externs: renamed in place in {@code .strtab}, made undefined.
 */
class ExternsTest {
    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Makes symbol {@code name} an undefined extern of binding {@code bind}, renamed to {@code newName} (same length). */
    private static byte[] extern(String fixture, String name, String newName, int bind) {
        assertEquals(name.length(), newName.length());
        byte[] b = Fixtures.bytes(fixture);
        ElfFile elf = ElfFile.parse(b, fixture);
        ElfSection symtab = elf.sections().stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst()
                .orElseThrow();
        ElfSymbol sym = elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        int entry = (int) symtab.offset() + 24 * sym.index();
        int nameAt = (int) elf.section(symtab.link()).offset() + le(b).getInt(entry);
        System.arraycopy(newName.getBytes(StandardCharsets.US_ASCII), 0, b, nameAt, newName.length());
        b[entry + 4] = (byte) (bind << 4 | (b[entry + 4] & 0xf));
        le(b).putShort(entry + 6, (short) ElfSymbol.SHN_UNDEF);
        le(b).putLong(entry + 8, 0);
        return b;
    }

    @Test
    void kconfigValuesLiveInAReadOnlyKconfigMap() {
        // globals.o: "return threshold" reads a u32 through the lddw at pc 0
        byte[] b = extern("globals.o", "threshold", "CONFIG_TH", ElfSymbol.STB_GLOBAL);
        BpfObject obj = BpfObject.open(b, "globals.o", MapFactory.standard(), Kconfig.of(Map.of("CONFIG_TH", "42")));
        ObjectMap kconfig = obj.map(".kconfig");
        assertEquals("globals.kconfig", kconfig.spec().name());
        assertTrue((kconfig.spec().flags() & MapFlags.BPF_F_RDONLY_PROG) != 0);
        byte[] value = kconfig.map().lookupValue(new byte[4]);
        assertEquals(42, le(value).getLong(0));
        Instruction[] code = obj.program("use_globals").program().instructions();
        assertEquals(Opcodes.PSEUDO_MAP_IDX_VALUE, code[0].src());
        assertEquals(obj.maps().indexOf(kconfig), code[0].imm());
        assertEquals(0, code[1].imm());
    }

    @Test
    void kconfigValuesOfEveryForm() {
        for (Map.Entry<String, Long> e : Map.of("y", 1L, "m", 2L, "n", 0L, "0x10", 16L, "-3", -3L).entrySet()) {
            byte[] b = extern("globals.o", "threshold", "CONFIG_TH", ElfSymbol.STB_GLOBAL);
            BpfObject obj = BpfObject.open(b, "g.o", MapFactory.standard(), Kconfig.of(Map.of("CONFIG_TH", e.getKey())));
            assertEquals(e.getValue(), le(obj.map(".kconfig").map().lookupValue(new byte[4])).getLong(0), e.getKey());
        }
        byte[] b = extern("globals.o", "threshold", "CONFIG_TH", ElfSymbol.STB_GLOBAL);
        BpfObject absent = BpfObject.open(b, "g.o", MapFactory.standard(), Kconfig.empty());
        assertEquals(0, le(absent.map(".kconfig").map().lookupValue(new byte[4])).getLong(0));
        assertTrue(absent.notes().stream().anyMatch(n -> n.contains("CONFIG_TH") && n.contains("read as 0")),
                absent.notes().toString());
        assertThrows(LoadException.class, () -> BpfObject.open(b, "g.o", MapFactory.standard(),
                Kconfig.of(Map.of("CONFIG_TH", "\"text\"")))); // a string for an 8-byte number
    }

    @Test
    void kernelVersionFollowsLibbpf() {
        assertEquals((6L << 16) + (18 << 8) + 44, Kconfig.kernelVersion("6.18.44-fc-v1272"));
        assertEquals((5L << 16) + (4 << 8) + 255, Kconfig.kernelVersion("5.4.300"));
        assertEquals(4L << 16, Kconfig.kernelVersion("4"));
        Kconfig host = Kconfig.host();
        if ("Linux".equals(System.getProperty("os.name"))) {
            assertEquals(Long.toString(Kconfig.kernelVersion(System.getProperty("os.version"))),
                    host.value(Kconfig.KERNEL_VERSION));
        }
        assertEquals("7", host.with("CONFIG_X", "7").value("CONFIG_X"));
    }

    @Test
    void weakExternsReadZeroAndStrongOnesAreRefusedClearly() {
        // globals.o: hits++ loads &hits with the lddw at pc 5
        BpfObject obj = BpfObject.open(extern("globals.o", "hits", "hitz", ElfSymbol.STB_WEAK), "g.o");
        Instruction[] code = obj.program("use_globals").program().instructions();
        assertEquals(Opcodes.LDDW, code[5].opcode());
        assertEquals(Opcodes.PSEUDO_NONE, code[5].src());
        assertEquals(0, code[5].imm());
        assertEquals(0, code[6].imm());
        LoadException e = assertThrows(LoadException.class,
                () -> BpfObject.open(extern("globals.o", "hits", "hitz", ElfSymbol.STB_GLOBAL), "g.o"));
        assertTrue(e.getMessage().contains("neither __kconfig nor __ksym"), e.getMessage());
    }

    @Test
    void kfuncCallsCarryTheirIdInTheRunningKernelsBtf() throws java.io.IOException {
        java.nio.file.Path vmlinux = java.nio.file.Path.of("/sys/kernel/btf/vmlinux");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(vmlinux),
                vmlinux + " is not readable");
        dev.jvmbpf.runtime.btf.Btf kernel = dev.jvmbpf.runtime.btf.Btf.read(vmlinux);
        dev.jvmbpf.runtime.btf.BtfType f = kernel.types().stream()
                .filter(t -> t instanceof dev.jvmbpf.runtime.btf.BtfType.Func && t.name().length() == 14
                        && kernel.findByName(t.name()).size() == 1)
                .findFirst().orElseThrow();
        BpfObject obj = BpfObject.open(extern("multi.o", "sum_of_squares", f.name(), ElfSymbol.STB_GLOBAL), "multi.o");
        Instruction call = obj.program("first").program().instructions()[2];
        assertEquals(Opcodes.CALL_KFUNC, call.src());
        assertEquals(f.id(), call.imm());
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("kernel BTF id " + f.id())), obj.notes().toString());
    }

    @Test
    void callsOfExternFunctionsAreUnresolvedKfuncCallsTheVerifierRefuses() {
        // multi.o: program "first" calls sum_of_squares (pc 2)
        BpfObject obj = BpfObject.open(extern("multi.o", "sum_of_squares", "bpf_iter_num_n", ElfSymbol.STB_GLOBAL),
                "multi.o");
        Instruction call = obj.program("first").program().instructions()[2];
        assertEquals(Opcodes.CALL, call.opcode());
        assertEquals(Opcodes.CALL_KFUNC, call.src());
        assertTrue(obj.notes().stream().anyMatch(n -> n.contains("kfunc 'bpf_iter_num_n'") && n.contains("unresolved")),
                obj.notes().toString());
        VerifierException v = assertThrows(VerifierException.class,
                () -> Verifier.verify(obj.program("first").program(), HelperTable.empty()));
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/sys/kernel/btf/vmlinux"))) {
            assertEquals(0, call.imm(), "no function of the kernel has this name");
            assertTrue(v.getMessage().contains("invalid kernel function call not eliminated"), v.getMessage());
        } else {
            // Without a kernel BTF the object's own id stands in; the verifier does not know the function.
            assertTrue(call.imm() > 0, "the extern's id in the object's BTF");
            assertTrue(v.getMessage().contains("calling kernel function bpf_iter_num_n is not allowed"), v.getMessage());
        }
    }
}
