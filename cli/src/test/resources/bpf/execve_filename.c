// Reads the file name execve was given through the record's user pointer. In the kernel the read
// succeeds; traced in the JVM the pointer is outside anything the JVM holds, so the read must
// fail with the kernel's code for an unreadable address (-EFAULT, printed) and be counted.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_execve")
int execve_filename(struct trace_event_raw_sys_enter *ctx) {
    char name[64];
    long n = bpf_probe_read_user_str(name, sizeof(name), (const char *)ctx->args[0]);
    bpf_printk("read %ld\n", n);
    return 0;
}

char _license[] SEC("license") = "GPL";
