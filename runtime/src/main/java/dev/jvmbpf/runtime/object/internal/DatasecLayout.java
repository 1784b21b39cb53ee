package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * libbpf's {@code btf_fixup_datasec}: clang writes DATASECs with size 0 and every global (non-static)
 * variable at offset 0, leaving the real layout to the ELF symbol table. Without this fix-up every
 * global of {@code .rodata}/{@code .data}/{@code .bss} would be read at offset 0 when values are
 * formatted by BTF. Static variables already carry their offsets; externs have no section.
 */
final class DatasecLayout {

    private DatasecLayout() {
    }

    static Btf fix(ElfFile elf, Btf btf) {
        List<BtfType> fixed = new ArrayList<>();
        for (BtfType t : btf.types()) {
            if (t instanceof BtfType.Datasec d) {
                ElfSection section = elf.section(d.name());
                if (section == null) {
                    continue; // .kconfig, .ksyms: extern sections that are not in the file
                }
                BtfType.Datasec f = fix(elf, btf, d, section);
                if (!f.equals(d)) {
                    fixed.add(f);
                }
            }
        }
        return fixed.isEmpty() ? btf : btf.replacing(fixed);
    }

    private static BtfType.Datasec fix(ElfFile elf, Btf btf, BtfType.Datasec d, ElfSection section) {
        List<BtfType.SectionVar> vars = new ArrayList<>(d.vars().size());
        for (BtfType.SectionVar v : d.vars()) {
            int offset = v.offset();
            if (btf.type(v.type()) instanceof BtfType.Var var && var.linkage() != BtfType.Var.STATIC
                    && var.linkage() != BtfType.Var.GLOBAL_EXTERN) {
                ElfSymbol sym = symbol(elf, section, var.name());
                if (sym != null) {
                    offset = (int) sym.value();
                }
            }
            vars.add(new BtfType.SectionVar(v.type(), offset, v.size()));
        }
        // libbpf sorts the variables by offset after fixing them; formatted values follow memory order.
        vars.sort(Comparator.comparingInt(BtfType.SectionVar::offset));
        int size = d.size() == 0 ? (int) section.size() : d.size();
        return new BtfType.Datasec(d.id(), d.name(), size, vars);
    }

    private static ElfSymbol symbol(ElfFile elf, ElfSection section, String name) {
        for (ElfSymbol s : elf.symbols()) {
            if (s.section() == section.index() && s.type() == ElfSymbol.STT_OBJECT && s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
