package dev.jvmbpf.runtime.exec;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** The helpers a program may call, indexed by id. Immutable; {@link #with} makes an extended copy. */
public final class HelperTable {
    private static final HelperTable EMPTY = new HelperTable(new HelperSpec[0]);
    private final HelperSpec[] byId;

    private HelperTable(HelperSpec[] byId) {
        this.byId = byId;
    }

    public static HelperTable empty() {
        return EMPTY;
    }

    public static HelperTable of(Collection<HelperSpec> helpers) {
        return EMPTY.with(helpers);
    }

    public HelperTable with(HelperSpec helper) {
        return with(List.of(helper));
    }

    public HelperTable with(Collection<HelperSpec> helpers) {
        int max = byId.length - 1;
        for (HelperSpec h : helpers) {
            max = Math.max(max, h.id());
        }
        HelperSpec[] copy = Arrays.copyOf(byId, max + 1);
        for (HelperSpec h : helpers) {
            copy[h.id()] = Objects.requireNonNull(h);
        }
        return new HelperTable(copy);
    }

    /** The helper with this id, or null. */
    public HelperSpec get(long id) {
        return id >= 0 && id < byId.length ? byId[(int) id] : null;
    }

    public List<HelperSpec> all() {
        return Arrays.stream(byId).filter(Objects::nonNull).toList();
    }
}
