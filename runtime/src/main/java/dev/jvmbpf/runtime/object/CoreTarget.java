package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.elf.ElfFile;
import dev.jvmbpf.runtime.elf.ElfSection;
import dev.jvmbpf.runtime.exec.InputFiles;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.object.internal.KernelBtf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The BTF an object's CO-RE relocations ({@code BPF_CORE_READ}, {@code bpf_core_field_exists},
 * ...) are resolved against, as libbpf resolves them when it loads the object:
 * <ul>
 *   <li>{@link #host()} (the default): the running kernel's {@code /sys/kernel/btf/vmlinux} when
 *       it is readable, else the object's own BTF;</li>
 *   <li>{@link #file(Path)} or {@link #of(Btf, String)}: another kernel's BTF (libbpf's
 *       {@code btf_custom_path}, bpftool's {@code --base-btf}), for example a vmlinux BTF
 *       extracted with {@code bpftool btf dump file ... format raw};</li>
 *   <li>{@link #local()}: the object's own BTF, each relocation against its own type only, so
 *       every field offset, size and existence stays what clang compiled.</li>
 * </ul>
 * Pass one to {@link BpfObject#open(Path, CoreTarget)} or {@link BpfObject#open(byte[], String,
 * MapFactory, Kconfig, CoreTarget)}; the object's {@link BpfObject#notes() notes} say which was
 * used and which relocations could not be resolved.
 */
public final class CoreTarget {
    private static final CoreTarget LOCAL = new CoreTarget(null, "the object's own BTF");
    private static final CoreTarget HOST = new CoreTarget(null, null);

    private final Btf btf;
    private final String description;

    private CoreTarget(Btf btf, String description) {
        this.btf = btf;
        this.description = description;
    }

    /** The running kernel's BTF when readable, else the object's own. */
    public static CoreTarget host() {
        return HOST;
    }

    /** The object's own BTF: every relocation resolves to what clang compiled. */
    public static CoreTarget local() {
        return LOCAL;
    }

    /** {@code btf}; {@code description} names it in notes and errors ({@code "vmlinux of 6.1"}). */
    public static CoreTarget of(Btf btf, String description) {
        return new CoreTarget(Objects.requireNonNull(btf, "btf"), Objects.requireNonNull(description, "description"));
    }

    /**
     * The BTF in the file at {@code path}, as libbpf's {@code btf__parse} reads it: raw BTF (such
     * as another machine's {@code /sys/kernel/btf/vmlinux}) or an ELF object's {@code .BTF}
     * section (the kernel selftests' {@code btf__core_reloc_*.o} targets).
     */
    public static CoreTarget file(Path path) throws IOException {
        byte[] bytes = InputFiles.read(path);
        if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
            ElfFile elf = ElfFile.parse(bytes, path.toString());
            ElfSection s = elf.section(".BTF");
            if (s == null) {
                throw new LoadException(path + ": an ELF file without a .BTF section is no CO-RE target");
            }
            return of(Btf.parse(elf.contents(s), path + " .BTF"), path.toString());
        }
        return of(Btf.parse(bytes, path.toString()), path.toString());
    }

    /** The target BTF, or null when relocations resolve against the object's own types. */
    public Btf btf() {
        if (this == HOST) {
            return KernelBtf.get();
        }
        return btf;
    }

    /** What the target is, for notes: {@code "the running kernel's BTF (/sys/kernel/btf/vmlinux)"}. */
    public String description() {
        if (this == HOST) {
            return KernelBtf.get() != null ? "the running kernel's BTF (" + KernelBtf.VMLINUX + ")"
                    : "the object's own BTF (" + KernelBtf.VMLINUX + " is not readable)";
        }
        return description;
    }

    @Override
    public String toString() {
        return this == HOST ? "CoreTarget.host()" : description;
    }
}
