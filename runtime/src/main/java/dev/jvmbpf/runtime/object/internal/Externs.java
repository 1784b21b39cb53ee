package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfException;
import dev.jvmbpf.runtime.btf.BtfKind;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSymbol;
import dev.jvmbpf.runtime.object.Kconfig;
import dev.jvmbpf.runtime.object.ObjectMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The object's extern symbols, classified as libbpf does by the BTF that declares them: a
 * {@code __kconfig} variable (in DATASEC {@code .kconfig}), a {@code __ksym} variable (in
 * {@code .ksyms}), a kfunc (an extern BTF FUNC). Externs no BTF describes (objects without BTF)
 * are known by name only: {@code CONFIG_*} and {@code LINUX_*} variables are taken as 8-byte
 * kconfig values, called ones as kfuncs.
 *
 * <p>Kconfig externs get libbpf's layout in one read-only {@code .kconfig} array map: sorted by
 * alignment (largest first), then size (smallest first), then name, each at the next offset its
 * alignment allows, holding the value {@link Kconfig} gives.
 */
final class Externs {
    enum Kind { KCONFIG, KSYM, KFUNC, UNTYPED }

    /** {@code offset}: a kconfig value's offset in {@code .kconfig}; a kfunc's id in the object's BTF. */
    record Extern(String name, Kind kind, boolean weak, int offset) {
    }

    /** Kconfig values are numbers and short strings; more than this is a damaged type. */
    private static final long MAX_KCONFIG_BYTES = 1 << 20;
    private static final int MAX_DEPTH = 32;

    private final Map<String, Extern> byName = new HashMap<>();
    private ObjectMap kconfigMap;

    private record Pending(ElfSymbol sym, int type, long size, int align) {
    }

    static Externs collect(ElfFile elf, Btf btf, Kconfig kconfig, MapReader maps, List<String> notes) {
        Externs out = new Externs();
        List<Pending> kcfg = new ArrayList<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.section() != ElfSymbol.SHN_UNDEF || sym.name().isEmpty() || !sym.isGlobal()
                    || out.byName.containsKey(sym.name())) {
                continue;
            }
            boolean weak = sym.bind() == ElfSymbol.STB_WEAK;
            Kind kind = Kind.UNTYPED;
            int type = 0;
            if (btf != null) {
                for (BtfType t : btf.findByName(sym.name())) {
                    if (t instanceof BtfType.Func) {
                        kind = Kind.KFUNC;
                        type = t.id();
                    } else if (t instanceof BtfType.Var v && v.linkage() == BtfType.Var.GLOBAL_EXTERN) {
                        String section = datasecOf(btf, v.id());
                        kind = ".kconfig".equals(section) ? Kind.KCONFIG : ".ksyms".equals(section) ? Kind.KSYM : kind;
                        type = v.type();
                    }
                }
            }
            if (kind == Kind.UNTYPED && (sym.name().startsWith("CONFIG_") || sym.name().startsWith("LINUX_"))) {
                kind = Kind.KCONFIG;
            }
            if (kind == Kind.KCONFIG) {
                long size = 8;
                int align = 8;
                if (type != 0) {
                    try {
                        size = btf.sizeOf(type);
                        align = alignOf(btf, type, 0);
                    } catch (BtfException e) {
                        throw failure(elf, "kconfig extern '" + sym.name() + "': " + e.getMessage());
                    }
                }
                kcfg.add(new Pending(sym, type, size, align));
            } else {
                // A kfunc keeps its id in the object's BTF: its stand-in where there is no kernel BTF.
                out.byName.put(sym.name(), new Extern(sym.name(), kind, weak, kind == Kind.KFUNC ? type : 0));
            }
        }
        if (!kcfg.isEmpty()) {
            out.layKconfig(elf, btf, kconfig, kcfg, maps, notes);
        }
        return out;
    }

    private static RuntimeException failure(ElfFile elf, String why) {
        return Errors.at(elf, null, 0, why);
    }

    private void layKconfig(ElfFile elf, Btf btf, Kconfig kconfig, List<Pending> kcfg, MapReader maps,
            List<String> notes) {
        kcfg.sort(Comparator.comparingInt((Pending p) -> -p.align()).thenComparingLong(Pending::size)
                .thenComparing(p -> p.sym().name()));
        long off = 0;
        long[] offsets = new long[kcfg.size()];
        for (int i = 0; i < kcfg.size(); i++) {
            Pending p = kcfg.get(i);
            off = (off + p.align() - 1) / p.align() * p.align();
            offsets[i] = off;
            off += p.size();
            if (off > MAX_KCONFIG_BYTES) {
                throw Errors.at(elf, null, 0, "kconfig externs need " + off + " bytes, more than the "
                        + MAX_KCONFIG_BYTES + " a configuration can fill");
            }
        }
        byte[] data = new byte[(int) Math.max(off, 1)];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < kcfg.size(); i++) {
            Pending p = kcfg.get(i);
            String name = p.sym().name();
            String value = kconfig.value(name);
            if (value == null) {
                missing.add(name + (p.sym().bind() == ElfSymbol.STB_WEAK ? " (weak)" : ""));
            } else {
                encode(btf, p, value, data, (int) offsets[i], elf);
            }
            byName.put(name, new Extern(name, Kind.KCONFIG, p.sym().bind() == ElfSymbol.STB_WEAK, (int) offsets[i]));
        }
        if (!missing.isEmpty()) {
            notes.add(".kconfig: " + missing + " have no value in " + kconfig.source() + "; they read as 0");
        }
        kconfigMap = maps.addKconfig(data);
    }

    /** Writes {@code value} as libbpf does for the extern's type: bool, tristate, char, char array or integer. */
    private static void encode(Btf btf, Pending p, String value, byte[] data, int at, ElfFile elf) {
        BtfType t = p.type() == 0 ? null : btf.resolve(p.type());
        if (t instanceof BtfType.Array a && btf.resolve(a.elementType()) instanceof BtfType.Int e && e.size() == 1) {
            String s = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1) : value;
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, data, at, (int) Math.min(b.length, Math.max(0, p.size() - 1)));
            return;
        }
        long v;
        if (t instanceof BtfType.Int i && i.size() == 1 && i.isChar() && !i.isBool() && value.length() == 1) {
            v = value.charAt(0);
        } else if (value.equals("y")) {
            v = 1;
        } else if (value.equals("m")) {
            v = t instanceof BtfType.Int i && i.isBool() ? 1 : 2;
        } else if (value.equals("n")) {
            v = 0;
        } else {
            try {
                String s = value.strip();
                boolean negative = s.startsWith("-");
                String digits = negative ? s.substring(1) : s;
                v = digits.startsWith("0x") || digits.startsWith("0X") ? Long.parseUnsignedLong(digits.substring(2), 16)
                        : Long.parseUnsignedLong(digits);
                v = negative ? -v : v;
            } catch (NumberFormatException e) {
                throw Errors.at(elf, null, 0, "kconfig extern '" + p.sym().name() + "': value '" + value
                        + "' is not a number, y, m or n");
            }
        }
        for (int b = 0; b < p.size() && b < 8; b++) {
            data[at + b] = (byte) (v >>> (8 * b));
        }
    }

    private static String datasecOf(Btf btf, int varId) {
        for (BtfType t : btf.types()) {
            if (t instanceof BtfType.Datasec d) {
                for (BtfType.SectionVar v : d.vars()) {
                    if (v.type() == varId) {
                        return d.name();
                    }
                }
            }
        }
        return null;
    }

    /**
     * The alignment of a kconfig type: its element's for arrays, else its size's (at most 8).
     * Kconfig values are scalars and char arrays; anything else gets an alignment by size.
     */
    private static int alignOf(Btf btf, int id, int depth) {
        if (depth > MAX_DEPTH) {
            return 8; // a damaged, self-containing type: its size has been checked already
        }
        BtfType t = btf.resolve(id);
        return switch (t) {
            case BtfType.Array a -> alignOf(btf, a.elementType(), depth + 1);
            case BtfType.Ptr p -> 8;
            default -> {
                long size = btf.sizeOf(id);
                yield size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
            }
        };
    }

    /** What resolving a kfunc against the kernel's BTF gave: its BTF id (0 when unresolved) and how. */
    record Kfunc(int btfId, String how) {
    }

    /**
     * libbpf's resolution of a kfunc: the id of the FUNC of that name in the kernel's BTF
     * ({@code /sys/kernel/btf/vmlinux}), the call's immediate; 0 when it is not there. Without a
     * kernel BTF (no kernel could load the program then), the extern's id in the object's own BTF,
     * so that the engines still know which function a call names.
     */
    Kfunc kfunc(Extern ext) {
        return kfuncs.computeIfAbsent(ext.name(), name -> {
            Btf kernel = KernelBtf.get();
            if (kernel == null) {
                return new Kfunc(ext.offset(), "no kernel BTF (" + KernelBtf.VMLINUX
                        + ") to resolve it against; the object's BTF id " + ext.offset() + " stands in");
            }
            BtfType f = kernel.find(BtfKind.FUNC, name);
            return f == null ? new Kfunc(0, "not a function of the kernel's BTF")
                    : new Kfunc(f.id(), "kernel BTF id " + f.id());
        });
    }

    private final Map<String, Kfunc> kfuncs = new HashMap<>();

    /** The extern named like {@code sym}, or null. */
    Extern of(ElfSymbol sym) {
        return byName.get(sym.name());
    }

    /** The {@code .kconfig} map, or null when the object has no kconfig extern. */
    ObjectMap kconfigMap() {
        return kconfigMap;
    }
}
