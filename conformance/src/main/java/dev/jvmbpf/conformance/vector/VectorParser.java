package dev.jvmbpf.conformance.vector;

import dev.jvmbpf.runtime.exec.InputFiles;
import dev.jvmbpf.runtime.memory.FaultKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code .data} conformance vectors: the format of the public bpf_conformance suite plus
 * this project's additions.
 *
 * <p>A file is a sequence of sections, each opened by a line {@code -- NAME}. Lines starting with
 * {@code #} are comments everywhere; in every section but {@code error}, {@code #} also starts a
 * comment at the end of a line. Blank lines are ignored. Sections:
 * <ul>
 *   <li>{@code -- asm}: the program in the conformance assembly syntax.</li>
 *   <li>{@code -- raw}: the program as bytes. A line is either 2-digit hex bytes
 *       ({@code 07 00 01 00 01 00 00 00}) or whitespace-separated 64-bit words, {@code 0x} hex or
 *       decimal, each one instruction slot read as a little-endian integer
 *       ({@code 0x5566778800000018}), as the public suite writes it. When both {@code asm} and
 *       {@code raw} are present, {@code raw} is the program (as in the public suite's runner).</li>
 *   <li>{@code -- mem}: input memory as hex bytes, over any number of lines. {@code -- mem readonly}
 *       gives memory the program may only read (this project's addition). As ubpf's suite and
 *       packet captures write memory, a line may also be a hex dump: an offset ending with a colon
 *       ({@code 0x0010:  4500 0034}, as {@code tcpdump -x} prints; {@code 10: 45 00}), or
 *       {@code hexdump -C}'s offset and {@code |text|} column ({@code 00000010  45 00 ... |E.|}),
 *       and bytes grouped two or more to a token ({@code 4500} is 45 00). An offset must be the
 *       number of bytes before it, so a dump with a line missing is an error, not a shifted
 *       packet.</li>
 *   <li>{@code -- result}: the expected r0, {@code 0x} hex or decimal (a leading {@code -} is
 *       allowed and means two's complement).</li>
 *   <li>{@code -- error}: the program must fail to assemble, decode or load, with a message that
 *       contains each line of the section; an empty section accepts any such failure.</li>
 *   <li>{@code -- error pattern} (ubpf's dialect): the same failure, with a message in which the
 *       section's regular expression (its lines joined by line breaks) finds a match.</li>
 *   <li>{@code -- fault} (this project's addition): one line {@code KIND} or
 *       {@code KIND at pc N}, where KIND names a {@link FaultKind} in any case with spaces,
 *       underscores or hyphens ({@code out of bounds}, {@code NULL_POINTER}, {@code read-only},
 *       {@code call depth}...): the run must stop with that fault (at that pc).</li>
 *   <li>{@code -- unverified} (this project's addition, no content): the engines run the program
 *       without the verifier, for vectors that test the engines' own run-time checks (call depth,
 *       stack bounds, unknown helpers) with programs the verifier would refuse.</li>
 *   <li>{@code -- c} (the C source of a program), {@code -- no register offset} (a marker of
 *       the public suite), {@code -- reload} and {@code -- unload} (ubpf's test runner reloads or
 *       unloads its code first): ignored with their contents, as those runners' own readers do
 *       where the runtime has no such step.</li>
 * </ul>
 * A vector has exactly one program section kind in use and exactly one of {@code result},
 * {@code error}, {@code error pattern} and {@code fault}. A section this parser does not know makes the whole vector
 * {@linkplain SkippedVector skipped} with the reason. Anything else malformed (text before the
 * first section, a repeated section, a bad number or byte, a missing program or expectation)
 * raises a {@link VectorFormatException} naming the file and the line.
 */
public final class VectorParser {
    private static final Pattern HEADER = Pattern.compile("^--\\s+(.*?)\\s*$");
    private static final Pattern HEX_BYTE = Pattern.compile("[0-9a-fA-F]{2}");
    private static final Pattern FAULT = Pattern.compile("(?i)^(.*?)(?:\\s+at\\s+pc\\s+(\\d+))?$");

    private VectorParser() {
    }

    /** Parses a file; the vector's name is the file name without {@code .data}. */
    public static ParsedVector parse(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".data")) {
            name = name.substring(0, name.length() - ".data".length());
        }
        return parse(name, file);
    }

    public static ParsedVector parse(String name, Path file) {
        String text;
        try {
            text = new String(InputFiles.read(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vector " + file + ": " + e.getMessage(), e);
        }
        return parse(name, file, text);
    }

    /** Parses vector text; {@code file} only names it in reports and errors. */
    public static ParsedVector parse(String name, Path file, String text) {
        return new Reader(name, file, text).read();
    }

    private static final class Section {
        final String name;
        final int line;
        final List<String> lines = new ArrayList<>();
        final List<Integer> numbers = new ArrayList<>();

        Section(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    private static final class Reader {
        private final String name;
        private final Path file;
        private final String[] lines;

        Reader(String name, Path file, String text) {
            this.name = name;
            this.file = file;
            this.lines = text.split("\r?\n", -1);
        }

        private VectorFormatException error(int line, String message) {
            return new VectorFormatException(file, line, message);
        }

        ParsedVector read() {
            Map<String, Section> sections = new HashMap<>();
            Section current = null;
            for (int i = 0; i < lines.length; i++) {
                int lineNo = i + 1;
                String line = lines[i];
                String trimmed = line.strip();
                Matcher header = HEADER.matcher(trimmed);
                if (header.matches()) {
                    String key = header.group(1).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                    if (!isKnown(key)) {
                        return new SkippedVector(name, file, "unknown section '-- " + header.group(1) + "' at line "
                                + lineNo);
                    }
                    String canonical = key.equals("mem readonly") ? "mem" : key;
                    if (sections.containsKey(canonical)) {
                        throw error(lineNo, "section '-- " + canonical + "' appears twice (first at line "
                                + sections.get(canonical).line + ")");
                    }
                    current = new Section(key, lineNo);
                    sections.put(canonical, current);
                    continue;
                }
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                if (current == null) {
                    throw error(lineNo, "text before the first section: '" + trimmed + "'");
                }
                String content = current.name.startsWith("error") ? trimmed : stripComment(trimmed);
                if (!content.isEmpty()) {
                    current.lines.add(content);
                    current.numbers.add(lineNo);
                }
            }
            return build(sections);
        }

        private static boolean isKnown(String key) {
            return switch (key) {
                case "asm", "raw", "mem", "mem readonly", "result", "error", "error pattern", "fault", "unverified",
                        "c", "no register offset", "reload", "unload" -> true;
                default -> false;
            };
        }

        private static String stripComment(String s) {
            int hash = s.indexOf('#');
            return (hash >= 0 ? s.substring(0, hash) : s).strip();
        }

        private Vector build(Map<String, Section> sections) {
            ProgramText program;
            Section raw = sections.get("raw");
            Section asm = sections.get("asm");
            if (raw != null) {
                program = new ProgramText.Raw(rawBytes(raw), raw.line);
            } else if (asm != null) {
                if (asm.lines.isEmpty()) {
                    throw error(asm.line, "the -- asm section is empty");
                }
                program = new ProgramText.Assembly(assemblySource(asm));
            } else {
                throw error(0, "no program: the vector needs a -- asm or -- raw section");
            }
            Section mem = sections.get("mem");
            byte[] memory = mem == null ? null : memoryBytes(mem);
            boolean readOnly = mem != null && mem.name.equals("mem readonly");

            Section result = sections.get("result");
            Section err = sections.get("error");
            Section pattern = sections.get("error pattern");
            Section fault = sections.get("fault");
            List<Section> given = new ArrayList<>();
            for (Section x : new Section[] {result, err, pattern, fault}) {
                if (x != null) {
                    given.add(x);
                }
            }
            if (given.isEmpty()) {
                throw error(0, "no expectation: the vector needs a -- result, -- error, -- error pattern or -- fault"
                        + " section");
            }
            if (given.size() > 1) {
                given.sort((a, b) -> Integer.compare(a.line, b.line));
                throw error(given.get(1).line, "a vector has exactly one of -- result, -- error, -- error pattern and"
                        + " -- fault");
            }
            Expectation expected;
            if (result != null) {
                expected = new Expectation.Returns(resultValue(result));
            } else if (err != null) {
                expected = new Expectation.Rejected(err.lines);
            } else if (pattern != null) {
                expected = errorPattern(pattern);
            } else {
                expected = faultExpectation(fault);
            }
            Section unverified = sections.get("unverified");
            if (unverified != null && !unverified.lines.isEmpty()) {
                throw error(unverified.numbers.getFirst(), "the -- unverified section takes no content");
            }
            return new Vector(name, file, program, memory, readOnly, expected, unverified != null);
        }

        private String assemblySource(Section asm) {
            String[] out = new String[lines.length];
            Arrays.fill(out, "");
            for (int k = 0; k < asm.lines.size(); k++) {
                out[asm.numbers.get(k) - 1] = asm.lines.get(k);
            }
            return String.join("\n", out);
        }

        private byte[] rawBytes(Section raw) {
            ByteSink out = new ByteSink();
            for (int k = 0; k < raw.lines.size(); k++) {
                String[] tokens = raw.lines.get(k).split("\\s+");
                int lineNo = raw.numbers.get(k);
                boolean bytes = true;
                for (String t : tokens) {
                    bytes &= HEX_BYTE.matcher(t).matches();
                }
                for (String t : tokens) {
                    if (bytes) {
                        out.add(Integer.parseInt(t, 16));
                    } else {
                        long word = number(t, lineNo, "instruction word");
                        for (int b = 0; b < 8; b++) {
                            out.add((int) (word >>> (8 * b)) & 0xff);
                        }
                    }
                }
            }
            if (out.size() == 0) {
                throw error(raw.line, "the -- raw section is empty");
            }
            return out.toArray();
        }

        private byte[] memoryBytes(Section mem) {
            ByteSink out = new ByteSink();
            for (int k = 0; k < mem.lines.size(); k++) {
                int lineNo = mem.numbers.get(k);
                String line = mem.lines.get(k);
                // hexdump -C ends a line with the bytes as text between bars (a '#' in it may have
                // been taken for a comment already, so the closing bar is not required).
                int bar = line.indexOf('|');
                if (bar > 0) {
                    line = line.substring(0, bar).strip();
                }
                List<String> tokens = new ArrayList<>(List.of(line.split("\\s+")));
                String offset = null;
                if (tokens.getFirst().endsWith(":")) {
                    String t = tokens.removeFirst();
                    offset = t.substring(0, t.length() - 1);
                } else if (tokens.size() > 1 && tokens.getFirst().length() >= 6 && isHex(tokens.getFirst())
                        && tokens.subList(1, tokens.size()).stream().allMatch(t -> t.length() == 2 && isHex(t))) {
                    // hexdump -C or od -A x: a long offset without a colon before single bytes.
                    offset = tokens.removeFirst();
                }
                if (offset != null) {
                    String digits = offset.startsWith("0x") || offset.startsWith("0X") ? offset.substring(2) : offset;
                    if (digits.isEmpty() || digits.length() > 15 || !isHex(digits)) {
                        throw error(lineNo, "memory offset '" + offset + "' is not a hex number");
                    }
                    long at = Long.parseLong(digits, 16);
                    if (at != out.size()) {
                        throw error(lineNo, "memory offset 0x" + Long.toHexString(at) + " does not follow the "
                                + out.size() + " bytes before it (0x" + Integer.toHexString(out.size()) + ")");
                    }
                }
                for (String t : tokens) {
                    if (t.isEmpty()) {
                        continue;
                    }
                    boolean prefixed = t.startsWith("0x") || t.startsWith("0X");
                    String digits = prefixed ? t.substring(2) : t;
                    boolean one = !digits.isEmpty() && digits.length() <= 2;
                    boolean group = !prefixed && digits.length() > 2 && digits.length() % 2 == 0;
                    if (!(one || group) || !isHex(digits)) {
                        throw error(lineNo, "memory byte '" + t + "' is not one or two hex digits (or an even"
                                + " number of them: 4500 is 45 00)");
                    }
                    for (int d = 0; d < digits.length(); d += 2) {
                        out.add(Integer.parseInt(digits.substring(d, Math.min(digits.length(), d + 2)), 16));
                    }
                }
            }
            return out.toArray();
        }

        private static boolean isHex(String s) {
            return s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
        }

        private Expectation errorPattern(Section pattern) {
            if (pattern.lines.isEmpty()) {
                throw error(pattern.line, "-- error pattern needs a regular expression");
            }
            try {
                return new Expectation.RejectedMatching(Pattern.compile(String.join("\n", pattern.lines)));
            } catch (PatternSyntaxException e) {
                throw error(pattern.numbers.getFirst(), "-- error pattern is not a regular expression: "
                        + e.getDescription());
            }
        }

        private long resultValue(Section result) {
            if (result.lines.size() != 1 || result.lines.get(0).split("\\s+").length != 1) {
                throw error(result.line, "-- result needs exactly one value");
            }
            return number(result.lines.get(0), result.numbers.get(0), "result");
        }

        private long number(String t, int lineNo, String what) {
            try {
                if (t.startsWith("0x") || t.startsWith("0X")) {
                    return Long.parseUnsignedLong(t.substring(2), 16);
                }
                if (t.startsWith("-")) {
                    return Long.parseLong(t);
                }
                return Long.parseUnsignedLong(t);
            } catch (NumberFormatException e) {
                throw error(lineNo, what + " '" + t + "' is not a 64-bit number (0x hex or decimal)");
            }
        }

        private Expectation faultExpectation(Section fault) {
            if (fault.lines.size() != 1) {
                throw error(fault.line, "-- fault needs exactly one line: KIND or KIND at pc N");
            }
            int lineNo = fault.numbers.get(0);
            Matcher m = FAULT.matcher(fault.lines.get(0));
            if (!m.matches()) {
                throw error(lineNo, "expected KIND or KIND at pc N");
            }
            String kindName = m.group(1).strip().toUpperCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
            FaultKind kind;
            try {
                kind = FaultKind.valueOf(kindName);
            } catch (IllegalArgumentException e) {
                throw error(lineNo, "unknown fault kind '" + m.group(1).strip() + "' (known: "
                        + Arrays.toString(FaultKind.values()) + ")");
            }
            int pc = -1;
            if (m.group(2) != null) {
                try {
                    pc = Integer.parseInt(m.group(2));
                } catch (NumberFormatException e) {
                    throw error(lineNo, "pc '" + m.group(2) + "' is too large");
                }
            }
            return new Expectation.Faults(kind, pc);
        }
    }

    /** A growable byte array. */
    private static final class ByteSink {
        private byte[] data = new byte[64];
        private int size;

        void add(int b) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = (byte) b;
        }

        int size() {
            return size;
        }

        byte[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
