package dev.jvmbpf.helpers;

import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.Helper;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a helper table: the standard helpers (or none), plus helpers written in Java, minus any
 * the embedder wants to forbid. A later helper with the same id replaces the earlier one.
 *
 * <pre>{@code
 * HelperTable t = HelperTableBuilder.standard()
 *         .add(1000, "my_counter", (m, r1, r2, r3, r4, r5) -> counter.incrementAndGet(), ArgType.ANYTHING)
 *         .remove(6)
 *         .build();
 * }</pre>
 */
public final class HelperTableBuilder {
    private final Map<Integer, HelperSpec> byId = new LinkedHashMap<>();

    private HelperTableBuilder() {
    }

    public static HelperTableBuilder empty() {
        return new HelperTableBuilder();
    }

    public static HelperTableBuilder standard() {
        return new HelperTableBuilder().addAll(StandardHelpers.specs());
    }

    public HelperTableBuilder add(HelperSpec spec) {
        byId.put(spec.id(), spec);
        return this;
    }

    public HelperTableBuilder add(int id, String name, Helper implementation, ArgType... args) {
        return add(new HelperSpec(id, name, List.of(args), implementation));
    }

    public HelperTableBuilder addAll(List<HelperSpec> specs) {
        specs.forEach(this::add);
        return this;
    }

    public HelperTableBuilder remove(int id) {
        byId.remove(id);
        return this;
    }

    public HelperTable build() {
        return HelperTable.of(List.copyOf(byId.values()));
    }
}
