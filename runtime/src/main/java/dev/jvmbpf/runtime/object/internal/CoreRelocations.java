package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfException;
import dev.jvmbpf.runtime.btf.BtfExt;
import dev.jvmbpf.runtime.btf.CoreRelo;
import dev.jvmbpf.runtime.btf.CoreResolver;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.object.CoreTarget;
import java.util.List;
import java.util.Map;

/**
 * Applies the CO-RE relocations of {@code .BTF.ext} to the code sections before programs are
 * linked, as libbpf's {@code bpf_object__relocate_core}: each record's instruction gets the value
 * its access has in the target BTF; one that cannot be resolved is poisoned ({@code call
 * 0xbad2310}) and remembered, so that a program that reaches it names the relocation; one libbpf
 * refuses (an ambiguous match, an instruction that does not hold the compiled value) refuses the
 * object.
 */
final class CoreRelocations {
    private final ElfFile elf;
    private final Btf btf;
    private final BtfExt btfExt;
    private final Map<Integer, CodeSection> code;
    private final CoreTarget target;
    private final List<String> notes;

    CoreRelocations(ElfFile elf, Btf btf, BtfExt btfExt, Map<Integer, CodeSection> code, CoreTarget target,
            List<String> notes) {
        this.elf = elf;
        this.btf = btf;
        this.btfExt = btfExt;
        this.code = code;
        this.target = target;
        this.notes = notes;
    }

    void apply() {
        Btf targetBtf = target.btf();
        String against = target.description();
        CoreResolver resolver = new CoreResolver(btf, targetBtf);
        int applied = 0;
        int poisoned = 0;
        for (Map.Entry<String, List<CoreRelo>> e : btfExt.allCoreRelos().entrySet()) {
            String sectionName = e.getKey();
            ElfSection section = elf.section(sectionName);
            CodeSection cs = section == null ? null : code.get(section.index());
            if (cs == null) {
                notes.add(e.getValue().size() + " CO-RE relocation(s) of section '" + sectionName
                        + "', which holds no code, are ignored");
                continue;
            }
            for (CoreRelo relo : e.getValue()) {
                long byteOffset = (long) relo.insn() * Instruction.SIZE;
                if (relo.insn() >= cs.insns.length) {
                    throw Errors.at(elf, cs.section, byteOffset, name(relo, sectionName)
                            + " is for an instruction past the end of the section");
                }
                if (!inFunction(cs, relo.insn())) {
                    continue; // libbpf: the relocation of a subprogram the linker left out
                }
                String what = name(relo, sectionName) + " (" + relo.kindName() + " of " + resolver.describe(relo) + ")";
                boolean wide = cs.insns[relo.insn()].opcode() == Opcodes.LDDW;
                CoreResolver.Result r;
                boolean poison;
                try {
                    r = resolver.resolve(relo);
                    poison = CoreResolver.patch(cs.insns, relo.insn(), r);
                } catch (BtfException ex) {
                    throw Errors.at(elf, cs.section, byteOffset, what + " against " + against + ": " + ex.getMessage());
                }
                applied++;
                if (poison) {
                    poisoned++;
                    String why = r.poison() ? "no type of " + against + " has it"
                            : "the field is " + r.newSize() + " bytes in " + against + ", not " + r.origSize()
                            + ", and is neither a pointer nor an unsigned integer, so the access cannot be resized";
                    String text = what + " could not be resolved: " + why;
                    cs.unresolved.put(relo.insn(), text);
                    if (wide && relo.insn() + 1 < cs.insns.length) {
                        cs.unresolved.put(relo.insn() + 1, text);
                    }
                    notes.add(text + "; instruction " + relo.insn() + " of " + sectionName
                            + " is poisoned (call 0xbad2310): a run that reaches it faults");
                }
            }
        }
        notes.add(applied + " CO-RE relocation(s) resolved against " + against
                + (poisoned > 0 ? ", " + poisoned + " of them unresolvable (poisoned)" : ""));
    }

    private static String name(CoreRelo relo, String section) {
        return "CO-RE relocation #" + relo.index() + " of " + section;
    }

    private static boolean inFunction(CodeSection cs, int insn) {
        if (cs.functions.isEmpty()) {
            return true;
        }
        for (CodeFunction f : cs.functions) {
            if (f.contains(insn)) {
                return true;
            }
        }
        return false;
    }
}
