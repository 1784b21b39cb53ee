package dev.jvmbpf.runtime.maps;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * The Linux errno values that map operations and helpers return, negated, as the kernel does, and
 * that bpf(2) fails with. The one table for the whole project (runtime, helpers, JIT, kernel
 * backend, library): each value is declared once, as a constant, and {@link #name} reads the names
 * from these declarations, so that a value and its name cannot disagree between modules.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int EPROTO = 71;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    /** The kernel-internal "operation not supported" that bpf(2) still returns for some map types. */
    public static final int ENOTSUPP = 524;

    /** The names of the constants above, by value. */
    private static final Map<Integer, String> NAMES = names();

    private Errno() {
    }

    /**
     * The symbolic name of a positive or negated errno ({@code EINVAL} for 22 and -22), {@code OK}
     * for 0, {@code errno N} for a value this table lacks; for messages a user can search for.
     */
    public static String name(int errno) {
        int value = Math.abs(errno);
        if (value == 0) {
            return "OK";
        }
        String name = NAMES.get(value);
        return name != null ? name : "errno " + value;
    }

    private static Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        for (Field f : Errno.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() == int.class && Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                try {
                    names.put(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return Map.copyOf(names);
    }
}
