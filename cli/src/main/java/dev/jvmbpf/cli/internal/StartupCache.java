package dev.jvmbpf.cli.internal;

import dev.jvmbpf.cli.Main;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.workloads.Workloads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Makes what the {@code ./jvmbpf} launcher needs for a JDK AOT cache (JEP 483/514/515), which
 * removes most of the JVM's start-up work: class parsing, linking and the lambdas of the helper
 * table.
 *
 * <p>{@code prepare JAR OUT} copies the command-line jar with every class file older than Java 6
 * rewritten as a Java 8 class file with stack map frames. picocli and ASM are compiled for Java 5,
 * and the JDK leaves such classes out of an AOT cache; they are most of what is loaded before a
 * command runs. Only the class-file version and the frames change; a class that cannot be
 * rewritten (one with {@code jsr}, which frames cannot describe) is copied as it is.
 *
 * <p>{@code train ROOT} is the training run the launcher records the cache from: the commands a
 * user runs most, on the examples under ROOT, with their output discarded.
 */
public final class StartupCache {
    /** The oldest class-file major version the JDK puts in an AOT cache (Java 6 with frames). */
    private static final int OLDEST_CACHED = Opcodes.V1_6;

    private StartupCache() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("prepare")) {
            int upgraded = prepare(Path.of(args[1]), Path.of(args[2]));
            System.out.println("upgraded " + upgraded + " class files");
        } else if (args.length == 2 && args[0].equals("train")) {
            train(Path.of(args[1]));
        } else {
            System.err.println("usage: StartupCache prepare JAR OUT | train ROOT");
            System.exit(2);
        }
    }

    /** Copies {@code jar} to {@code out} with old class files upgraded; returns how many were. */
    static int prepare(Path jar, Path out) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        int upgraded = 0;
        try (JarFile in = new JarFile(jar.toFile());
                OutputStream file = Files.newOutputStream(tmp);
                JarOutputStream to = new JarOutputStream(file)) {
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().contains("META-INF/")) {
                    byte[] newer = upgrade(bytes);
                    if (newer != bytes) {
                        upgraded++;
                        bytes = newer;
                    }
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                to.putNextEntry(copy);
                to.write(bytes);
                to.closeEntry();
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return upgraded;
    }

    /** The class file as Java 8 with frames, or the same array when it needs no change or cannot change. */
    static byte[] upgrade(byte[] classFile) {
        int major = (classFile[6] & 0xff) << 8 | classFile[7] & 0xff;
        if (major >= OLDEST_CACHED) {
            return classFile;
        }
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                        String[] interfaces) {
                    super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
                }
            }, ClassReader.SKIP_FRAMES);
            return writer.toByteArray();
        } catch (RuntimeException e) {
            // jsr/ret, or a type frames cannot be computed for: the old class still works, uncached.
            return classFile;
        }
    }

    /** Runs the usual commands once each, so the cache holds what they load and link. */
    static void train(Path root) {
        Path examples = root.resolve("examples");
        String packet = "ffffffffffff0011223344550800" + "4500001400000000401100000a0000010a000002";
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"run", examples.resolve("execve_trace.o").toString()});
        commands.add(new String[] {"run", examples.resolve("execve_trace.o").toString(), "--engine", "interpreter"});
        commands.add(new String[] {"run", examples.resolve("counter.o").toString(), "--ctx", "id=59", "--repeat", "3",
                "--dump-maps"});
        commands.add(new String[] {"run", examples.resolve("xdp_filter.o").toString(), "--map-update",
                "blocked:0a000001", "--packet-hex", packet, "--dump-maps"});
        commands.add(new String[] {"verify", examples.resolve("xdp_filter.o").toString()});
        commands.add(new String[] {"disasm", examples.resolve("xdp_filter.o").toString()});
        // A program large enough to be split into chunks, so the cache holds that path's classes
        // and the profiles that let the JVM compile it early (a million-instruction load).
        Path large = null;
        try {
            large = Files.createTempFile("jvmbpf-train", ".bin");
            Files.write(large, Instruction.encode(Workloads.straightLine(40_000, 40_000)));
            commands.add(new String[] {"run", large.toString()});
        } catch (IOException e) {
            // Trained without it: the cache only lacks that path.
        }
        commands.add(new String[] {"run", "--help"});
        commands.add(new String[] {"--help"});
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        try {
            System.setOut(nowhere);
            System.setErr(nowhere);
            for (String[] command : commands) {
                Main.execute(command);
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            if (large != null) {
                try {
                    Files.deleteIfExists(large);
                } catch (IOException e) {
                    // A temporary file left behind.
                }
            }
        }
    }
}
