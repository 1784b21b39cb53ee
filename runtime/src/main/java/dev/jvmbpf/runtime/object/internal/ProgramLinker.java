package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfRelocation;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.object.ObjectProgram;
import dev.jvmbpf.runtime.object.SectionType;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one program: the entry function, then every function it calls or takes the address of,
 * each appended once, with call and function-address immediates rewritten pc-relative and map
 * and global data references resolved to indexes into the object's map list.
 */
final class ProgramLinker {
    private final ElfFile elf;
    private final Map<Integer, CodeSection> code;
    private final MapReader maps;
    private final Externs externs;
    private final Btf btf;
    private final BtfExt btfExt;
    private final List<String> notes;
    private final CodeFunction entry;
    private final String license;
    private final List<Instruction> out = new ArrayList<>();
    private final Map<CodeFunction, Integer> placed = new LinkedHashMap<>();
    private final List<CodeFunction> pending = new ArrayList<>();
    /** The kfunc each resolved kfunc call's immediate names ({@link BpfProgram#kfuncs()}). */
    private final Map<Integer, String> kfuncNames = new java.util.TreeMap<>();

    ProgramLinker(ElfFile elf, Map<Integer, CodeSection> code, MapReader maps, Externs externs, Btf btf,
            BtfExt btfExt, List<String> notes, CodeFunction entry, String license) {
        this.elf = elf;
        this.code = code;
        this.maps = maps;
        this.externs = externs;
        this.btf = btf;
        this.btfExt = btfExt;
        this.notes = notes;
        this.entry = entry;
        this.license = license;
    }

    ObjectProgram link() {
        place(entry);
        while (!pending.isEmpty()) {
            relocate(pending.removeFirst());
        }
        SectionType st = entry.section().section.name().equals(".text")
                ? new SectionType(ProgramType.RAW, "function '" + entry.name() + "' of .text in an object without"
                        + " program sections; loaded as RAW (r1 = input, r2 = length)")
                : SectionType.of(entry.section().section.name());
        List<BpfMap> programMaps = new ArrayList<>();
        maps.maps().forEach(m -> programMaps.add(m.map()));
        BpfProgram program = new BpfProgram(entry.name(), entry.section().section.name(), st.type(),
                out.toArray(Instruction[]::new), programMaps, license, kfuncNames);
        List<ObjectProgram.Function> functions = new ArrayList<>();
        List<BtfExt.LineInfo> lines = new ArrayList<>();
        Map<Integer, String> unresolved = new java.util.TreeMap<>();
        for (Map.Entry<CodeFunction, Integer> e : placed.entrySet()) {
            CodeFunction f = e.getKey();
            int at = e.getValue();
            String sectionName = f.section().section.name();
            functions.add(new ObjectProgram.Function(f.name(), sectionName, at, f.length()));
            f.section().unresolved.forEach((insn, why) -> {
                if (f.contains(insn)) {
                    unresolved.put(insn - f.start() + at, why);
                }
            });
            for (BtfExt.LineInfo l : btfExt.lineInfo(sectionName)) {
                if (f.contains(l.insn())) {
                    lines.add(new BtfExt.LineInfo(l.insn() - f.start() + at, l.file(), l.source(), l.line(),
                            l.column()));
                }
            }
        }
        lines.sort(Comparator.comparingInt(BtfExt.LineInfo::insn));
        BtfType.Composite ctx = btf == null ? null : btf.contextType(entry.name());
        if (st.note() != null) {
            notes.add("program " + entry.name() + ": " + st.note());
        }
        return new ObjectProgram(program, functions, lines, ctx, st.note(), unresolved);
    }

    private int place(CodeFunction f) {
        Integer at = placed.get(f);
        if (at != null) {
            return at;
        }
        int start = out.size();
        placed.put(f, start);
        for (int i = 0; i < f.length(); i++) {
            out.add(f.section().insns[f.start() + i]);
        }
        pending.add(f);
        return start;
    }

    private void relocate(CodeFunction f) {
        CodeSection cs = f.section();
        int base = placed.get(f);
        for (int i = 0; i < f.length(); i++) {
            int sectionInsn = f.start() + i;
            int pc = base + i;
            long byteOffset = (long) sectionInsn * Instruction.SIZE;
            Instruction insn = out.get(pc);
            boolean wide = insn.opcode() == Opcodes.LDDW;
            if (wide && i + 1 >= f.length()) {
                throw Errors.at(elf, cs.section, byteOffset, "lddw at the end of function '" + f.name()
                        + "' lacks its second slot");
            }
            if (wide && cs.relocations.containsKey(sectionInsn + 1)) {
                throw Errors.at(elf, cs.section, byteOffset + Instruction.SIZE,
                        "relocation on the second slot of an lddw");
            }
            ElfRelocation r = cs.relocations.get(sectionInsn);
            if (r != null) {
                applyRelocation(cs, r, insn, pc, byteOffset);
            } else if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL) {
                long target = (long) sectionInsn + insn.imm() + 1;
                out.set(pc, withImm(insn, placedTarget(cs, checkedInsn(cs, target, byteOffset), byteOffset) - pc - 1));
            }
            if (wide) {
                i++;
            }
        }
    }

    private void applyRelocation(CodeSection cs, ElfRelocation r, Instruction insn, int pc, long byteOffset) {
        ElfSymbol sym = r.symbol();
        String what = ElfRelocation.typeName(r.type()) + " against '" + sym.name() + "'";
        if (!sym.isDefined()) {
            applyExtern(cs, r, insn, pc, byteOffset, what);
            return;
        }
        if (insn.opcode() == Opcodes.CALL && insn.src() == Opcodes.CALL_LOCAL) {
            if (r.type() != ElfRelocation.R_BPF_64_32) {
                throw Errors.at(elf, cs.section, byteOffset, what + " on a call (expected R_BPF_64_32)");
            }
            CodeSection target = code.get(sym.section());
            if (target == null) {
                throw Errors.at(elf, cs.section, byteOffset, what + ": call target is not in a code section");
            }
            long targetInsn = sym.value() / Instruction.SIZE + insn.imm() + 1;
            out.set(pc, withImm(insn, placedTarget(target, checkedInsn(cs, targetInsn, byteOffset), byteOffset)
                    - pc - 1));
            return;
        }
        if (insn.opcode() != Opcodes.LDDW) {
            throw Errors.at(elf, cs.section, byteOffset, what + " on instruction " + insn.hex()
                    + ", which is neither lddw nor a call");
        }
        if (r.type() != ElfRelocation.R_BPF_64_64) {
            throw Errors.at(elf, cs.section, byteOffset, what + " on lddw (expected R_BPF_64_64)");
        }
        Instruction next = out.get(pc + 1);
        long addend = insn.imm();
        ElfSection target = elf.section(sym.section());
        CodeSection targetCode = code.get(sym.section());
        if (targetCode != null) {
            long targetByte = sym.value() + addend;
            if (targetByte % Instruction.SIZE != 0) {
                throw Errors.at(elf, cs.section, byteOffset, what + ": function address " + targetByte
                        + " is not an instruction boundary");
            }
            int t = placedTarget(targetCode, checkedInsn(cs, targetByte / Instruction.SIZE, byteOffset), byteOffset);
            out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_FUNC, insn.offset(), t - pc - 1));
            out.set(pc + 1, withImm(next, 0));
            return;
        }
        Map<Long, ObjectMap> declared = maps.declaredIn(sym.section());
        if (declared != null) {
            long at = sym.isSection() ? sym.value() + addend : sym.value();
            ObjectMap m = declared.get(at);
            if (m == null) {
                throw Errors.at(elf, cs.section, byteOffset, what + ": no map definition starts at offset " + at
                        + " of " + target.name());
            }
            out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX, insn.offset(), use(m)));
            out.set(pc + 1, withImm(next, 0));
            return;
        }
        ObjectMap data = maps.dataMap(sym.section());
        if (data != null) {
            long offset = sym.value() + addend;
            if (offset < 0 || offset > target.size()) {
                throw Errors.at(elf, cs.section, byteOffset, what + ": offset " + offset + " lies outside " + target.name()
                        + " (" + target.size() + " bytes)");
            }
            out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX_VALUE, insn.offset(),
                    use(data)));
            out.set(pc + 1, withImm(next, (int) offset));
            return;
        }
        throw Errors.at(elf, cs.section, byteOffset, what + ": symbol lies in section " + target.name()
                + ", which holds neither maps, global data nor code");
    }

    /**
     * A reference to an extern, resolved as libbpf resolves it where this runtime can: a kconfig
     * value is an address in the {@code .kconfig} map; a weak extern that cannot be resolved is 0;
     * a kfunc call stays a kfunc call (src 2) whose immediate is the function's id in the running
     * kernel's BTF (see {@code Externs.kfunc}), with a note naming it; the verifier refuses the kfuncs
     * it does not model. A strong {@code __ksym} variable needs
     * the kernel's symbol addresses, which the runtime does not have.
     */
    private void applyExtern(CodeSection cs, ElfRelocation r, Instruction insn, int pc, long byteOffset, String what) {
        ElfSymbol sym = r.symbol();
        Externs.Extern ext = externs.of(sym);
        if (ext == null) {
            throw Errors.at(elf, cs.section, byteOffset, what + ": symbol is not defined in this object and is no"
                    + " extern (it has no name or is local)");
        }
        if (insn.opcode() == Opcodes.CALL && (insn.src() == Opcodes.CALL_LOCAL || insn.src() == Opcodes.CALL_KFUNC)) {
            Externs.Kfunc k = externs.kfunc(ext);
            out.set(pc, Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_KFUNC, 0, k.btfId()));
            if (k.btfId() != 0) {
                kfuncNames.put(k.btfId(), ext.name());
            }
            notes.add("program " + entry.name() + ": call to " + (ext.weak() ? "weak " : "") + "kfunc '" + ext.name()
                    + "' at pc " + pc + ": " + k.how() + (k.btfId() == 0 ? "; unresolved" : ""));
            return;
        }
        if (insn.opcode() != Opcodes.LDDW) {
            throw Errors.at(elf, cs.section, byteOffset, what + " on instruction " + insn.hex()
                    + ", which is neither lddw nor a call");
        }
        Instruction next = out.get(pc + 1);
        if (ext.kind() == Externs.Kind.KCONFIG) {
            out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX_VALUE, insn.offset(),
                    use(externs.kconfigMap())));
            out.set(pc + 1, withImm(next, ext.offset() + insn.imm()));
            return;
        }
        if (ext.weak()) {
            out.set(pc, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_NONE, insn.offset(), 0));
            out.set(pc + 1, withImm(next, 0));
            notes.add("program " + entry.name() + ": weak extern '" + ext.name() + "' is not resolved; it reads as 0");
            return;
        }
        throw Errors.at(elf, cs.section, byteOffset, what + ": " + (ext.kind() == Externs.Kind.KSYM
                ? "a __ksym variable needs the kernel's symbol addresses, which this runtime does not have"
                : "an extern variable that is neither __kconfig nor __ksym (declare it __weak to read 0)"));
    }

    private int checkedInsn(CodeSection cs, long insn, long byteOffset) {
        if (insn < 0 || insn > Integer.MAX_VALUE) {
            throw Errors.at(elf, cs.section, byteOffset, "reference to instruction " + insn + ", outside every section");
        }
        return (int) insn;
    }

    /** The final pc of instruction {@code insn} of section {@code cs}, placing its function if needed. */
    private int placedTarget(CodeSection cs, int insn, long byteOffset) {
        CodeFunction f = cs.functionAt(insn, byteOffset);
        return place(f) + (insn - f.start());
    }

    /** Every program gets the object's whole map list, so tail calls between them share a machine. */
    private int use(ObjectMap m) {
        return maps.maps().indexOf(m);
    }

    private static Instruction withImm(Instruction insn, int imm) {
        return new Instruction(insn.opcode(), insn.dst(), insn.src(), insn.offset(), imm);
    }

}
