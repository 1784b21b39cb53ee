package dev.jvmbpf.runtime.object.internal;

import dev.jvmbpf.runtime.btf.Btf;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The running kernel's BTF ({@code /sys/kernel/btf/vmlinux}), read once when a kfunc or a CO-RE
 * relocation needs it and kept while memory allows; null when it is absent or unreadable.
 */
public final class KernelBtf {
    public static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static SoftReference<Optional<Btf>> cached = new SoftReference<>(null);

    private KernelBtf() {
    }

    public static synchronized Btf get() {
        Optional<Btf> btf = cached.get();
        if (btf == null) {
            try {
                btf = Optional.ofNullable(Files.isReadable(VMLINUX) ? Btf.read(VMLINUX) : null);
            } catch (IOException | RuntimeException e) {
                btf = Optional.empty();
            }
            cached = new SoftReference<>(btf);
        }
        return btf.orElse(null);
    }
}
