package dev.jvmbpf.runtime.exec;

import java.util.List;

/**
 * A helper as the loader, verifier and engines see it: the kernel's id and name, the argument
 * types the verifier checks, and the implementation.
 */
public record HelperSpec(int id, String name, List<ArgType> args, Helper implementation) {
    public HelperSpec {
        if (id < 0) {
            throw new IllegalArgumentException("helper id must not be negative: " + id);
        }
        args = List.copyOf(args);
        if (args.size() > 5) {
            throw new IllegalArgumentException("helper " + name + " takes at most 5 arguments");
        }
    }
}
