package dev.jvmbpf.conformance;

import dev.jvmbpf.jit.JitEngine;
import dev.jvmbpf.kernel.KernelAvailability;
import dev.jvmbpf.kernel.KernelBpf;
import dev.jvmbpf.kernel.KernelEngine;
import dev.jvmbpf.runtime.exec.Engine;
import dev.jvmbpf.runtime.interp.Interpreter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Engines by command-line name. The interpreter and the kernel are built in; other modules (the
 * JIT) register theirs with {@link #register}, which the command line does at start-up.
 */
public final class Engines {
    private static final Map<String, Supplier<Engine>> FACTORIES = new LinkedHashMap<>();

    static {
        register(Interpreter.NAME, Interpreter::new);
        register(JitEngine.NAME, JitEngine::new);
        register("kernel", Engines::kernel);
    }

    private Engines() {
    }

    public static synchronized void register(String name, Supplier<Engine> factory) {
        FACTORIES.put(name, factory);
    }

    public static synchronized List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * A new engine named {@code name}. Throws {@link IllegalArgumentException} with one clear line for
     * an unknown name or an engine that cannot work here (the kernel without bpf(2)).
     */
    public static Engine create(String name) {
        Supplier<Engine> factory;
        synchronized (Engines.class) {
            factory = FACTORIES.get(name);
        }
        if (factory == null) {
            throw new IllegalArgumentException("unknown engine '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return factory.get();
    }

    /** Engines for a comma-separated list of names. */
    public static List<Engine> createAll(String commaSeparated) {
        List<Engine> engines = new ArrayList<>();
        for (String n : commaSeparated.split(",")) {
            String name = n.strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty engine name in '" + commaSeparated + "'");
            }
            engines.add(create(name));
        }
        return engines;
    }

    private static Engine kernel() {
        KernelAvailability a = KernelBpf.availability();
        if (!a.available()) {
            throw new IllegalArgumentException(a.refusal());
        }
        return new KernelEngine();
    }
}
