package dev.jvmbpf.runtime.maps;

/**
 * A map spec the kernel's map_create would refuse. {@link #errno()} is the errno bpf(2) would
 * return (EINVAL, E2BIG, ENOTSUPP, or ENOMEM when the Java heap cannot hold the map); the message names the map and the problem.
 */
public final class MapCreationException extends IllegalArgumentException {
    private final int errno;

    public MapCreationException(MapSpec spec, int errno, String problem) {
        super("map " + spec.name() + " (" + spec.type() + "): " + problem + " [" + Errno.name(errno) + "]");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
