// A raw tracepoint program: sys_enter's arguments are (struct pt_regs *regs, long id); prints the
// tgid of each task that enters execve (59 on x86-64).
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/sys_enter")
int raw_execve(struct bpf_raw_tracepoint_args *ctx) {
    if (ctx->args[1] != 59)
        return 0;
    bpf_printk("raw execve by %d\n", bpf_get_current_pid_tgid() >> 32);
    return 0;
}

char _license[] SEC("license") = "GPL";
