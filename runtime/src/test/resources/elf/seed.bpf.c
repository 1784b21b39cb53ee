// The seed program of the project, unmodified (see DESIGN.md).
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
SEC("tp/syscalls/sys_enter_execve")
int trace_execve(struct trace_event_raw_sys_enter *ctx) {
    pid_t pid = bpf_get_current_pid_tgid() >> 32;
    bpf_printk("execve called by PID: %d\n", pid);
    return 0;
}
char _license[] SEC("license") = "GPL";
