package dev.jvmbpf.runtime.exec;

/** Where the text a program prints ({@code bpf_trace_printk} and friends) goes. */
@FunctionalInterface
public interface Output {
    void printk(String line);

    static Output stdout() {
        return line -> System.out.println(line);
    }

    static Output discard() {
        return line -> { };
    }
}
