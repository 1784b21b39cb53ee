package dev.jvmbpf.runtime.exec;

/** A program, object file or vector that cannot be loaded; the message names what and where. */
public class LoadException extends RuntimeException {
    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
