/** The helper library: the kernel's helpers by id and prototype, and the program contexts. */
module dev.jvmbpf.helpers {
    requires transitive dev.jvmbpf.runtime;

    exports dev.jvmbpf.helpers;
    exports dev.jvmbpf.helpers.context;
}
