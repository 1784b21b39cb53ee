package dev.jvmbpf.runtime.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the files users hand to jvmbpf (objects, programs, vectors, packets, input memory) with
 * one size limit, so that an endless or huge input ({@code /dev/zero}, a wrong path) ends in one
 * clear error instead of exhausting the heap.
 */
public final class InputFiles {
    /** The largest input file: far above any BPF object (a 1,000,000-instruction program is 8 MiB). */
    public static final int MAX_BYTES = 256 << 20;

    private InputFiles() {
    }

    /**
     * The whole file; a file longer than {@link #MAX_BYTES} is a {@link FileSystemException} whose
     * reason says so (read in chunks, so that a device that never ends is caught too).
     */
    public static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES);
            if (bytes.length == MAX_BYTES && in.read() >= 0) {
                throw new FileSystemException(file.toString(), null, "larger than " + (MAX_BYTES >> 20)
                        + " MiB, the limit for an input file");
            }
            return bytes;
        }
    }
}
