// Records what the task and clock helpers return, keyed by the caller's thread group, to see the
// effect of `jvmbpf run --pid/--tgid/--uid/--gid/--comm/--cpu/--time`.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct task_seen {
    __u32 pid;
    __u32 tgid;
    __u32 uid;
    __u32 gid;
    __u32 cpu;
    __u32 pad;
    __u64 time_ns;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);              /* tgid */
    __type(value, struct task_seen);
} seen SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int who(void *ctx) {
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u64 uid_gid = bpf_get_current_uid_gid();
    struct task_seen t = {};
    t.pid = (__u32)pid_tgid;
    t.tgid = pid_tgid >> 32;
    t.uid = (__u32)uid_gid;
    t.gid = uid_gid >> 32;
    t.cpu = bpf_get_smp_processor_id();
    t.time_ns = bpf_ktime_get_ns();
    bpf_get_current_comm(t.comm, sizeof(t.comm));
    bpf_map_update_elem(&seen, &t.tgid, &t, BPF_ANY);
    return t.tgid;
}

char _license[] SEC("license") = "GPL";
