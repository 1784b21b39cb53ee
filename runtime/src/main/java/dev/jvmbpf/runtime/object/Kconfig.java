package dev.jvmbpf.runtime.object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * The values of {@code __kconfig} externs, by name, as libbpf resolves them: the kernel's
 * configuration ({@code CONFIG_FOO=y}, {@code =m}, a number, a quoted string) and libbpf's own
 * {@code LINUX_*} values. {@link #host()} reads the running kernel's: LINUX_KERNEL_VERSION from
 * its release ({@code uname -r}), CONFIG_* from {@code /proc/config.gz} or
 * {@code /boot/config-$(uname -r)} when readable. A name without a value reads as 0 (false, n,
 * an empty string) and the object notes it. {@link #with} overrides one value.
 *
 * <p>Defaults of the {@code LINUX_*} values: LINUX_HAS_BPF_COOKIE is 1 (the runtime has
 * {@code bpf_get_attach_cookie}); LINUX_HAS_SYSCALL_WRAPPER is 1 when the configuration has
 * CONFIG_ARCH_HAS_SYSCALL_WRAPPER, as on x86-64 since Linux 4.17.
 */
public final class Kconfig {
    public static final String KERNEL_VERSION = "LINUX_KERNEL_VERSION";

    private final Map<String, String> values;
    private final String source;

    private Kconfig(Map<String, String> values, String source) {
        this.values = Map.copyOf(values);
        this.source = source;
    }

    /** No configuration at all: every value reads as 0. */
    public static Kconfig empty() {
        return new Kconfig(Map.of(), "no kernel configuration");
    }

    /** Exactly these values ({@code "y"}, {@code "m"}, {@code "n"}, {@code "42"}, {@code "0x10"}, {@code "\"text\""}). */
    public static Kconfig of(Map<String, String> values) {
        return new Kconfig(values, "given values");
    }

    private static final class Host {
        static final Kconfig HOST = readHost();
    }

    /** The running kernel's configuration (read once). */
    public static Kconfig host() {
        return Host.HOST;
    }

    /** This configuration with {@code name} set to {@code value} (as it would appear after {@code =}). */
    public Kconfig with(String name, String value) {
        Map<String, String> next = new LinkedHashMap<>(values);
        next.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return new Kconfig(next, source);
    }

    /** The value of {@code name} as the configuration writes it, or null when it has none. */
    public String value(String name) {
        return values.get(name);
    }

    /** Where the values came from, for notes. */
    public String source() {
        return source;
    }

    /** {@code KERNEL_VERSION(a, b, c)} of a release such as {@code 6.18.44-fc}: {@code a << 16 | b << 8 | min(c, 255)}. */
    public static long kernelVersion(String release) {
        String[] parts = release.split("[^0-9]+", -1);
        long[] v = new long[3];
        int n = 0;
        for (int i = 0; i < parts.length && n < 3; i++) {
            if (parts[i].isEmpty()) {
                if (i == 0) {
                    continue;
                }
                break;
            }
            try {
                v[n++] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                break;
            }
        }
        return (v[0] << 16) + (v[1] << 8) + Math.min(v[2], 255);
    }

    private static Kconfig readHost() {
        Map<String, String> values = new LinkedHashMap<>();
        String release = System.getProperty("os.name", "").equals("Linux") ? System.getProperty("os.version", "") : "";
        String source = "no readable kernel configuration";
        Path gz = Path.of("/proc/config.gz");
        Path plain = Path.of("/boot/config-" + release);
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    parse(in, values);
                }
                source = gz.toString();
            } else if (!release.isEmpty() && Files.isReadable(plain)) {
                try (InputStream in = Files.newInputStream(plain)) {
                    parse(in, values);
                }
                source = plain.toString();
            }
        } catch (IOException | RuntimeException e) {
            values.clear();
            source = "an unreadable kernel configuration (" + e.getMessage() + ")";
        }
        if (!release.isEmpty()) {
            values.put(KERNEL_VERSION, Long.toString(kernelVersion(release)));
        }
        values.putIfAbsent("LINUX_HAS_BPF_COOKIE", "1");
        values.putIfAbsent("LINUX_HAS_SYSCALL_WRAPPER", "y".equals(values.get("CONFIG_ARCH_HAS_SYSCALL_WRAPPER")) ? "1" : "0");
        return new Kconfig(values, (release.isEmpty() ? "" : "kernel " + release + ", ") + source);
    }

    /** {@code CONFIG_NAME=value} lines; comments ({@code # CONFIG_X is not set}) leave a name without value. */
    static void parse(InputStream in, Map<String, String> into) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            int eq = line.indexOf('=');
            if (line.startsWith("CONFIG_") && eq > 0) {
                into.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
    }
}
