package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfRelocation;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.isa.Instruction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An executable section decoded into instructions, cut into functions at its FUNC symbols. */
final class CodeSection {
    private final ElfFile elf;
    final ElfSection section;
    final Instruction[] insns;
    final List<CodeFunction> functions = new ArrayList<>();
    final Map<Integer, ElfRelocation> relocations = new HashMap<>();
    /** Instructions poisoned over a CO-RE relocation that could not be resolved, with its description. */
    final Map<Integer, String> unresolved = new HashMap<>();

    CodeSection(ElfFile elf, ElfSection section) {
        this.elf = elf;
        this.section = section;
        if (section.size() % Instruction.SIZE != 0) {
            throw Errors.at(elf, section, 0, "code size " + section.size() + " is not a multiple of 8");
        }
        byte[] bytes = elf.contents(section);
        insns = new Instruction[bytes.length / Instruction.SIZE];
        for (int i = 0; i < insns.length; i++) {
            insns[i] = Instruction.read(bytes, i * Instruction.SIZE);
        }
        for (ElfRelocation r : elf.relocations(section)) {
            if (r.offset() % Instruction.SIZE != 0) {
                throw Errors.at(elf, section, r.offset(), ElfRelocation.typeName(r.type())
                        + " does not point at an instruction boundary");
            }
            if (relocations.put((int) (r.offset() / Instruction.SIZE), r) != null) {
                throw Errors.at(elf, section, r.offset(), "two relocations for one instruction");
            }
        }
    }

    void cutCodeFunctions() {
        List<ElfSymbol> syms = new ArrayList<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.section() == section.index() && sym.isFunction()) {
                syms.add(sym);
            }
        }
        syms.sort(Comparator.comparingLong(ElfSymbol::value));
        if (syms.isEmpty()) {
            // Hand-assembled code without symbols: the whole section is one function.
            functions.add(new CodeFunction(this, programNameOf(section.name()), 0, insns.length, true));
            return;
        }
        for (int i = 0; i < syms.size(); i++) {
            ElfSymbol sym = syms.get(i);
            long value = sym.value();
            long end = sym.size() > 0 ? value + sym.size()
                    : i + 1 < syms.size() ? syms.get(i + 1).value() : section.size();
            if (value < 0 || value % Instruction.SIZE != 0 || end > section.size() || end < value
                    || (end - value) % Instruction.SIZE != 0) {
                throw Errors.at(elf, section, value, "function '" + sym.name() + "' spans [" + value + ", " + end
                        + "), which is not a whole number of instructions inside the section");
            }
            functions.add(new CodeFunction(this, sym.name(), (int) (value / 8), (int) ((end - value) / 8),
                    sym.isGlobal()));
        }
    }

    List<CodeFunction> entries() {
        List<CodeFunction> out = new ArrayList<>();
        for (CodeFunction f : functions) {
            if (f.global()) {
                out.add(f);
            }
        }
        return out;
    }

    CodeFunction functionAt(int insn, long byteOffsetForErrors) {
        for (CodeFunction f : functions) {
            if (f.contains(insn)) {
                return f;
            }
        }
        throw Errors.at(elf, section, (long) insn * Instruction.SIZE, "call or function reference (from offset "
                + byteOffsetForErrors + ") to instruction " + insn + ", which lies in no function of this section");
    }

    static String programNameOf(String section) {
        return section.replaceAll("[^A-Za-z0-9_]", "_");
    }

}
