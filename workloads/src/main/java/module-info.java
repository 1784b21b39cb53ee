/** The benchmark workloads: BPF programs built in code, shared by the JMH benchmarks and {@code jvmbpf bench}. */
module dev.jvmbpf.workloads {
    requires transitive dev.jvmbpf.runtime;

    exports dev.jvmbpf.workloads;
}
