package dev.jvmbpf.cli.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Where a benchmark ran, to print beside its figures: they mean little without it. */
public record Machine(String cpu, int cores, String os, String jdk, double loadAverage, String date) {
    public static Machine current() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the architecture is the best we have
        }
        return System.getProperty("os.arch");
    }

    /** One line: {@code AMD EPYC 7B13, 2 cores, Linux 6.18, OpenJDK 64-Bit Server VM 25.0.3, load 1.02, 2026-12-07T22:40:00Z}. */
    public String describe() {
        return cpu + ", " + cores + (cores == 1 ? " core, " : " cores, ") + os + ", " + jdk
                + (loadAverage >= 0 ? String.format(Locale.ROOT, ", load %.2f", loadAverage) : "") + ", " + date;
    }
}
