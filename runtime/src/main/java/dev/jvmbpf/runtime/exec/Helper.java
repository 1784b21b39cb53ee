package dev.jvmbpf.runtime.exec;

/**
 * The implementation of a helper function. Arguments arrive in r1-r5; the result goes to r0.
 * A helper reaches program memory only through {@code machine.memory()}, so it can fault but
 * never touch anything else.
 */
@FunctionalInterface
public interface Helper {
    long call(Machine machine, long r1, long r2, long r3, long r4, long r5);
}
