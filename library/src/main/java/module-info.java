/** The library's front door: open an object, load its programs, run them, read their maps. */
module dev.jvmbpf {
    requires transitive dev.jvmbpf.runtime;
    requires transitive dev.jvmbpf.helpers;
    requires transitive dev.jvmbpf.jit;
    requires dev.jvmbpf.kernel;
    requires java.management;

    exports dev.jvmbpf;
}
