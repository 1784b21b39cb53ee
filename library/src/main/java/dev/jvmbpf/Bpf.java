package dev.jvmbpf;

import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.CoreTarget;
import dev.jvmbpf.runtime.object.Kconfig;
import dev.jvmbpf.runtime.object.MapFactory;
import dev.jvmbpf.runtime.program.BpfProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The entry point: opens a clang-compiled BPF object as an {@link ObjectSpec}, which loads into a
 * {@link LoadedObject} whose {@link Program}s run and whose {@link TypedMap}s and
 * {@link Variable}s Java reads and writes.
 *
 * <pre>{@code
 * try (LoadedObject obj = Bpf.open(Path.of("counter.o")).engine(Bpf.jit()).load()) {
 *     Program prog = obj.program("count_syscalls");
 *     prog.run(prog.context().set("id", 59).build());
 *     System.out.println(obj.map("counts").entries());    // {59=1}
 * }
 * }</pre>
 *
 * <p>Engines are {@link Engine}s: {@link #interpreter()}, the reference (the default), and
 * {@link #jit()}, which compiles each program to JVM bytecode at load; both give the same results.
 */
public final class Bpf {
    private Bpf() {
    }

    /**
     * Opens an object file ({@code clang -target bpf -c}): its programs, maps, global variables
     * and BTF, nothing loaded yet. A missing or malformed file is a {@link LoadException} naming it,
     * its cause the underlying error.
     */
    public static ObjectSpec open(Path file) {
        return open(file, CoreTarget.host());
    }

    /**
     * Opens an object file whose CO-RE relocations ({@code BPF_CORE_READ} and friends) are
     * resolved against {@code core}: {@link CoreTarget#host()} (what {@link #open(Path)} uses:
     * the running kernel's BTF when readable, else the object's own), {@link CoreTarget#file} (a
     * BTF file, such as another kernel's vmlinux) or {@link CoreTarget#local()} (the object's
     * own: offsets as compiled).
     */
    public static ObjectSpec open(Path file, CoreTarget core) {
        Objects.requireNonNull(core, "core");
        byte[] elf;
        try {
            elf = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LoadException(file + ": no such file", e);
        } catch (IOException e) {
            throw new LoadException(file + ": cannot read: " + e.getMessage(), e);
        }
        return open(elf, file.getFileName().toString(), file.toString(), core);
    }

    /** Opens an object from its bytes; {@code fileName} names it (and prefixes its global data maps' names). */
    public static ObjectSpec open(byte[] elf, String fileName) {
        return open(elf.clone(), fileName, fileName, CoreTarget.host());
    }

    private static ObjectSpec open(byte[] elf, String fileName, String where, CoreTarget core) {
        BpfObject object = parse(elf, fileName, where, core);
        return new ObjectSpec(object, () -> parse(elf, fileName, where, core));
    }

    private static BpfObject parse(byte[] elf, String fileName, String where, CoreTarget core) {
        try {
            return BpfObject.open(elf, fileName, MapFactory.standard(), Kconfig.host(), core);
        } catch (LoadException e) {
            // The loader's messages name the file by its name; say where it is.
            String message = String.valueOf(e.getMessage());
            if (message.startsWith(where)) {
                throw e;
            }
            throw new LoadException(where + ": " + (message.startsWith(fileName + ": ")
                    ? message.substring(fileName.length() + 2) : message), e);
        } catch (RuntimeException e) {
            throw new LoadException(where + ": not a BPF object: " + e.getMessage(), e);
        }
    }

    /**
     * A spec holding one bare program (assembled or decoded instructions, no object file): no
     * maps or variables of its own beyond those its instructions reference, which every load of
     * it shares.
     */
    public static ObjectSpec of(BpfProgram program) {
        return new ObjectSpec(Objects.requireNonNull(program));
    }

    /** The interpreter: the reference engine, kernel semantics, every access checked. */
    public static Engine interpreter() {
        return new Interpreter();
    }

    /** The JIT: each program becomes a JVM class at load, which HotSpot compiles further. */
    public static Engine jit() {
        return new JitEngine();
    }

    /** The engine named {@code interpreter} or {@code jit}; an {@link IllegalArgumentException} otherwise. */
    public static Engine engine(String name) {
        return switch (name) {
            case Interpreter.NAME -> interpreter();
            case JitEngine.NAME -> jit();
            default -> throw new IllegalArgumentException("unknown engine '" + name + "' (interpreter, jit)");
        };
    }
}
