package dev.jvmbpf.cli;

import dev.jvmbpf.runtime.exec.InputFiles;
import dev.jvmbpf.conformance.vector.ParsedVector;
import dev.jvmbpf.conformance.vector.ProgramText;
import dev.jvmbpf.conformance.vector.SkippedVector;
import dev.jvmbpf.conformance.vector.Vector;
import dev.jvmbpf.conformance.vector.VectorParser;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.InstructionDecoder;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.Kconfig;
import dev.jvmbpf.runtime.object.MapFactory;
import dev.jvmbpf.runtime.object.ObjectProgram;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the program of the {@code asm}, {@code disasm} and {@code verify} commands. A file is, by
 * its name or content: a {@code .data} conformance vector (its asm or raw section), assembly text
 * ({@code .s}, {@code .asm}), hex text (two-digit bytes separated by spaces, as {@code jvmbpf asm}
 * prints), raw little-endian instruction bytes, or (for {@code disasm} and {@code verify}) an ELF
 * object file as clang writes it.
 */
final class ProgramFiles {

    private ProgramFiles() {
    }

    /**
     * The assembly text of an asm source file or of a vector's {@code -- asm} section (other lines
     * blanked, so that error line numbers are the file's).
     */
    static String assemblySource(Path file) {
        String text = new String(read(file), StandardCharsets.UTF_8);
        if (!file.toString().endsWith(".data")) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        boolean inAsm = false;
        boolean found = false;
        for (String line : text.split("\r?\n", -1)) {
            if (line.startsWith("--")) {
                inAsm = line.substring(2).strip().equals("asm");
                found |= inAsm;
                sb.append('\n');
            } else {
                sb.append(inAsm ? line : "").append('\n');
            }
        }
        if (!found) {
            throw new LoadException("the vector has no -- asm section");
        }
        return sb.toString();
    }

    /**
     * The programs of an ELF object file (all of them, or the one named {@code only}), or an empty
     * list when the file is not an ELF object.
     */
    static List<ObjectProgram> objectPrograms(Path file, String only) {
        return objectPrograms(file, only, null, null);
    }

    /**
     * As {@link #objectPrograms(Path, String)}, CO-RE relocations resolved against {@code btf} when
     * not null, and {@code type} (a {@code --type} name, or null) given to the program {@code only}
     * names, or without it to every program whose section names no type (as iproute2 types every
     * program of an object).
     */
    static List<ObjectProgram> objectPrograms(Path file, String only, Path btf, String type) {
        return open(file, only, btf, type).programs();
    }

    /** The object (null when the file is not an ELF object) and its programs as {@link #objectPrograms} chooses them. */
    record Opened(BpfObject object, List<ObjectProgram> programs) {
    }

    /** As {@link #objectPrograms(Path, String, Path, String)}, with the object they are from. */
    static Opened open(Path file, String only, Path btf, String type) {
        if (file.toString().endsWith(".data")) {
            return new Opened(null, List.of());
        }
        byte[] bytes = read(file);
        if (!isElf(bytes)) {
            if (type != null) {
                throw new LoadException("--type sets the type of a program of an ELF object file; this is not one");
            }
            if (only != null) {
                throw new LoadException("--program names a program of an ELF object file; this is not one");
            }
            return new Opened(null, List.of());
        }
        BpfObject object = BpfObject.open(bytes, file.getFileName().toString(), MapFactory.standard(), Kconfig.host(),
                ProgramOptions.coreTarget(btf));
        if (type != null) {
            dev.jvmbpf.runtime.program.ProgramType t = ProgramTypes.parse(type);
            if (only != null) {
                object.setProgramType(only, t);
            } else {
                object.setTypeOfUntypedPrograms(t);
            }
        }
        if (only != null) {
            return new Opened(object, List.of(object.program(only)));
        }
        if (object.programs().isEmpty()) {
            throw new LoadException("the object file has no programs");
        }
        return new Opened(object, object.programs());
    }

    private static boolean isElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    /** The validated instructions of any supported file. */
    static Instruction[] instructions(Path file) {
        String name = file.toString();
        if (name.endsWith(".data")) {
            return switch (vector(file).program()) {
                case ProgramText.Assembly a -> assemble(file, a.source());
                case ProgramText.Raw r -> InstructionDecoder.decode(r.bytes());
            };
        }
        byte[] bytes = read(file);
        if (name.endsWith(".s") || name.endsWith(".asm")) {
            return assemble(file, new String(bytes, StandardCharsets.UTF_8));
        }
        if (isElf(bytes)) {
            throw new LoadException("ELF object files are not read by this command; give raw bytes, hex,"
                    + " assembly or a .data vector");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (isHexText(text)) {
            return InstructionDecoder.decode(hex(text));
        }
        return InstructionDecoder.decode(bytes);
    }

    private static Instruction[] assemble(Path file, String source) {
        Instruction[] program = Assembler.assemble(source);
        InstructionDecoder.validate(program);
        return program;
    }

    private static Vector vector(Path file) {
        ParsedVector parsed = VectorParser.parse(file);
        if (parsed instanceof SkippedVector s) {
            throw new LoadException("vector is not runnable: " + s.reason());
        }
        return (Vector) parsed;
    }

    /**
     * Whether {@code text} is hex bytes: pairs of hex digits separated by white space. A plain
     * scan: a regular expression with a repeated group recursed once per byte and overflowed the
     * stack on programs of 5,000 instructions.
     */
    static boolean isHexText(String text) {
        int digits = 0;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (digits != 0 && digits != 2) {
                    return false;
                }
                digits = 0;
            } else if (Character.digit(c, 16) >= 0 && digits < 2) {
                digits++;
                any = true;
            } else {
                return false;
            }
        }
        return any && (digits == 0 || digits == 2);
    }

    private static byte[] hex(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String t : text.strip().split("\\s+")) {
            out.write(Integer.parseInt(t, 16));
        }
        return out.toByteArray();
    }

    private static byte[] read(Path file) {
        try {
            return InputFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new LoadException("no such file", e);
        } catch (IOException e) {
            throw new LoadException("cannot read: " + Failure.reason(e), e);
        }
    }
}
