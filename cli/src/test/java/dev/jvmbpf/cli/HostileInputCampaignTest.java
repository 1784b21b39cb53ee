package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded campaign of hostile inputs through the command line's own code path, in this
 * JVM: mutated ELF objects (bit flips, truncations, corrupted section headers and ELF header
 * fields), random instruction streams, and malformed command lines. Every case must end with
 * exit status 0, 1 or 2 (0 or 1 for a well-formed command line on a hostile file: 2 says the
 * command line is wrong), and a failure must be exactly one {@code jvmbpf: } line on standard
 * error (for {@code verify} of an object, one per refused program), without a stack trace or an
 * exception's name.
 *
 * <p>The seed is printed; {@code -Djvmbpf.campaign.seed=N} replays a campaign,
 * {@code -Djvmbpf.campaign.seed=random} explores a new one and {@code -Djvmbpf.campaign.cases=N}
 * sets its size (default 2,000). The build runs a fixed seed, so that its verdict does not depend
 * on the day's luck: new campaigns are run by hand and what they find becomes a regression test.
 */
class HostileInputCampaignTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();
    private static final int MAX_REPORTED = 12;
    /** The campaign that found the malformed-BTF context fault (SafeErrorsTest). */
    private static final long DEFAULT_SEED = 16056650601619L;

    @TempDir
    Path dir;

    private final List<String> failures = new ArrayList<>();
    private int cases;

    @Test
    @Timeout(300)
    void everyHostileInputEndsInAnExitStatusAndAtMostOneCleanLine() throws IOException {
        String asked = System.getProperty("jvmbpf.campaign.seed", String.valueOf(DEFAULT_SEED));
        long seed = asked.equals("random") ? System.nanoTime() : Long.parseLong(asked);
        int total = Integer.getInteger("jvmbpf.campaign.cases", 2000);
        System.out.println("hostile input campaign: seed " + seed + ", " + total + " cases"
                + " (replay with -Djvmbpf.campaign.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> objects = new ArrayList<>();
        List<Path> objectFiles = objectFiles();
        for (Path p : objectFiles) {
            objects.add(Files.readAllBytes(p));
        }
        assertTrue(!objects.isEmpty(), "no ELF objects under examples/ to mutate");
        long start = System.nanoTime();
        for (int i = 0; i < total && failures.size() < MAX_REPORTED; i++) {
            int kind = rnd.nextInt(10);
            if (kind < 4) {
                mutatedElf(i, rnd, objects);
            } else if (kind < 7) {
                instructionStream(i, rnd);
            } else {
                commandLine(i, rnd, objectFiles);
            }
        }
        System.out.printf("hostile input campaign: %d cases in %.1f s, %d failures%n", cases,
                (System.nanoTime() - start) / 1e9, failures.size());
        assertTrue(failures.isEmpty(), "seed " + seed + ":\n" + String.join("\n", failures));
    }

    private List<Path> objectFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path d : List.of(ROOT.resolve("examples"), ROOT.resolve("runtime/src/test/resources/elf"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                files.filter(p -> p.toString().endsWith(".o")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ mutated ELF objects

    private void mutatedElf(int i, SplittableRandom rnd, List<byte[]> objects) {
        int which = rnd.nextInt(objects.size());
        byte[] b = objects.get(which).clone();
        String how;
        switch (rnd.nextInt(5)) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    int at = rnd.nextInt(b.length);
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                how = flips + " bit flips";
            }
            case 1 -> {
                int len = rnd.nextInt(b.length);
                b = java.util.Arrays.copyOf(b, len);
                how = "truncated to " + len;
            }
            case 2 -> how = corruptSectionHeader(b, rnd);
            case 3 -> how = corruptElfHeader(b, rnd);
            default -> {
                int at = rnd.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + rnd.nextInt(32));
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) rnd.nextInt(256);
                }
                how = n + " random bytes at " + at;
            }
        }
        Path file = write("mutated.o", b);
        // Most cases stop before an engine loads; the JIT (a class defined per load) gets one in twelve.
        String[] args = switch (rnd.nextInt(12)) {
            case 0, 1, 2, 3 -> new String[] {"verify", file.toString()};
            case 4, 5 -> new String[] {"disasm", file.toString()};
            case 6, 7, 8, 9, 10 -> new String[] {"run", file.toString(), "--engine", "interpreter", "--budget", "100000"};
            default -> new String[] {"run", file.toString(), "--budget", "100000"};
        };
        check("object #" + which + " with " + how, args, false);
    }

    private static final int[][] SECTION_FIELDS = {{0, 4}, {4, 4}, {8, 8}, {0x18, 8}, {0x20, 8}, {0x28, 4},
        {0x2c, 4}, {0x30, 8}, {0x38, 8}};

    private static String corruptSectionHeader(byte[] b, SplittableRandom rnd) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = bb.getLong(0x28);
        int shnum = Short.toUnsignedInt(bb.getShort(0x3c));
        if (shnum == 0 || shoff <= 0 || shoff + 64L * shnum > b.length) {
            return corruptElfHeader(b, rnd);
        }
        int section = rnd.nextInt(shnum);
        int[] field = SECTION_FIELDS[rnd.nextInt(SECTION_FIELDS.length)];
        long value = hostileValue(rnd, b.length);
        put(bb, (int) (shoff + 64L * section + field[0]), field[1], value);
        return "section header " + section + " field +" + field[0] + " = " + value;
    }

    private static final int[][] ELF_FIELDS = {{0x10, 2}, {0x12, 2}, {0x20, 8}, {0x28, 8}, {0x34, 2}, {0x3a, 2},
        {0x3c, 2}, {0x3e, 2}, {4, 1}, {5, 1}};

    private static String corruptElfHeader(byte[] b, SplittableRandom rnd) {
        if (b.length < 64) {
            return "too short for its header";
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] field = ELF_FIELDS[rnd.nextInt(ELF_FIELDS.length)];
        long value = hostileValue(rnd, b.length);
        put(bb, field[0], field[1], value);
        return "ELF header field +" + field[0] + " = " + value;
    }

    private static long hostileValue(SplittableRandom rnd, int fileLength) {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> fileLength;
            case 3 -> fileLength - 1 - rnd.nextInt(64);
            case 4 -> 1L << 31;
            case 5 -> 1L << 32;
            case 6 -> rnd.nextInt(256);
            default -> rnd.nextLong();
        };
    }

    private static void put(ByteBuffer bb, int at, int size, long value) {
        switch (size) {
            case 1 -> bb.put(at, (byte) value);
            case 2 -> bb.putShort(at, (short) value);
            case 4 -> bb.putInt(at, (int) value);
            default -> bb.putLong(at, value);
        }
    }

    // ------------------------------------------------------------------ random instruction streams

    /** Opcodes of every class, so that most words decode and reach the verifier and the engines. */
    private static final int[] OPCODES = {0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f,
        0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd4, 0xdc, 0xd7, 0x04, 0x0c,
        0x14, 0x24, 0x34, 0x3c, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4, 0xb4, 0xbc, 0xc4, 0x18, 0x61, 0x69, 0x71,
        0x79, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d,
        0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x16, 0x1e,
        0x26, 0x2e, 0x36, 0x56, 0x06, 0x85, 0x8d, 0x95, 0xe5, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x81, 0x91, 0x89,
        0x99};

    private void instructionStream(int i, SplittableRandom rnd) {
        int n = 1 + rnd.nextInt(48);
        ByteBuffer bb = ByteBuffer.allocate(8 * (n + 1)).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < n; k++) {
            int op = rnd.nextInt(16) == 0 ? rnd.nextInt(256) : OPCODES[rnd.nextInt(OPCODES.length)];
            int regs = rnd.nextInt(8) == 0 ? rnd.nextInt(256) : rnd.nextInt(11) | rnd.nextInt(11) << 4;
            short off = (short) (rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(-16, 16) * (rnd.nextBoolean() ? 8 : 1));
            int imm = rnd.nextInt(3) == 0 ? rnd.nextInt() : rnd.nextInt(-64, 256);
            bb.put((byte) op).put((byte) regs).putShort(off).putInt(imm);
        }
        bb.put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0);
        Path file = write("random.bin", bb.array());
        String[] args = switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> new String[] {"verify", file.toString()};
            case 3, 4 -> new String[] {"disasm", file.toString()};
            case 5, 6 -> new String[] {"run", file.toString(), "--engine", "interpreter", "--budget", "10000"};
            case 7, 8 -> new String[] {"run", file.toString(), "--no-verify", "--engine", "interpreter", "--budget", "10000"};
            default -> new String[] {"run", file.toString(), "--no-verify", "--budget", "10000"};
        };
        check(n + " random instructions", args, false);
    }

    // ------------------------------------------------------------------ malformed command lines

    private static final String[] COMMANDS = {"run", "verify", "disasm", "asm", "help", "bogus", "", "-V"};
    private static final String[] OPTIONS = {"--engine", "--type", "--budget", "--repeat", "--ctx", "--mem",
        "--packet", "--packet-hex", "--map-update", "-p", "--program", "--btf", "--no-verify", "--dump-maps",
        "--trace-pipe", "--debug-nothing", "-x", "--", "--json", "--engine="};
    private static final String[] VALUES = {"", "-1", "0", "1", "3", "abc", "jit", "interpreter", "kernel", "xdp",
        "socket", "nope", "99999999999999999999999", "0x", "=", "a=b", "args[9999]=1", "id=-1", "zz:zz",
        "counter:00=", "blocked:0a000001=00", ":", "de:ad:be:ef", "ggg", "\u001b[31mred", "x".repeat(3000),
        "/nonexistent/file", "/", "/dev/null", "--budget", "\0", "1e9", "-9223372036854775808"};

    private void commandLine(int i, SplittableRandom rnd, List<Path> objectFiles) {
        List<String> args = new ArrayList<>();
        String command = COMMANDS[rnd.nextInt(COMMANDS.length)];
        if (!command.isEmpty()) {
            args.add(command);
        }
        if (rnd.nextInt(4) != 0) {
            args.add(rnd.nextBoolean() ? objectFiles.get(rnd.nextInt(objectFiles.size())).toString()
                    : VALUES[rnd.nextInt(VALUES.length)]);
        }
        int options = rnd.nextInt(5);
        for (int k = 0; k < options; k++) {
            String option = OPTIONS[rnd.nextInt(OPTIONS.length)];
            if (option.equals("--repeat") || option.equals("--budget")) {
                // keep runs short: a huge repeat or budget with a valid program would only be slow
                args.add(option);
                args.add(rnd.nextBoolean() ? "abc" : String.valueOf(rnd.nextInt(-2, 4)));
                continue;
            }
            args.add(option);
            if (rnd.nextInt(4) != 0) {
                args.add(VALUES[rnd.nextInt(VALUES.length)]);
            }
        }
        check("command line", args.toArray(String[]::new), true);
    }

    // ------------------------------------------------------------------ the promise

    private void check(String what, String[] args, boolean anyStatus) {
        cases++;
        CliRun r;
        long t0 = System.nanoTime();
        try {
            r = CliRun.of(args);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 5000) {
                System.out.println("slow case " + cases + " (" + ms + " ms): " + what + ": " + abbreviated(args));
            }
        } catch (Throwable t) {
            failures.add("case " + cases + " (" + what + "): " + String.join(" ", args) + " threw " + t);
            return;
        }
        List<String> lines = r.err().lines().toList();
        // Notes (a section loaded as RAW, where bpf_printk goes) say how the input was read; they
        // precede the one error line and are not errors themselves.
        List<String> err = lines.stream().filter(l -> !l.startsWith("jvmbpf: note: ")).toList();
        String problem = null;
        if (r.status() < 0 || r.status() > (anyStatus ? 2 : 1)) {
            problem = "exit status " + r.status();
        } else if (r.status() != 0 && (err.isEmpty() || err.size() > 1 && !perProgram(args))) {
            problem = err.size() + " lines on stderr";
        } else if (r.status() != 0 && !lines.stream().allMatch(l -> l.startsWith("jvmbpf: "))) {
            problem = "an error line not starting with 'jvmbpf: '";
        } else if (r.err().contains("Exception") || r.err().contains("Error") || r.err().contains("\tat ")
                || r.out().contains("\tat ")) {
            problem = "a stack trace or an exception's name";
        }
        if (problem != null) {
            String shown = r.err().length() > 600 ? r.err().substring(0, 600) + "..." : r.err();
            failures.add("case " + cases + " (" + what + "): " + abbreviated(args) + ": " + problem + "; stderr: "
                    + shown.strip());
        }
    }

    /** {@code verify} of an object reports each program it refuses: one line each. */
    private static boolean perProgram(String[] args) {
        return args.length == 2 && args[0].equals("verify") && args[1].endsWith(".o");
    }

    private static String abbreviated(String[] args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            sb.append(a.length() > 60 ? a.substring(0, 60) + "..." : a).append(' ');
        }
        return sb.toString().strip();
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
