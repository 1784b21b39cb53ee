/** The kernel backend: bpf(2) through the Foreign Function API, to load and test-run programs in Linux. */
module dev.jvmbpf.kernel {
    requires transitive dev.jvmbpf.runtime;
    requires dev.jvmbpf.helpers;

    exports dev.jvmbpf.kernel;
}
