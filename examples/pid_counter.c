// Counts system calls per process (tgid) on raw_syscalls:sys_enter. Traced with `jvmbpf trace`,
// the JVM's counts can be compared with the same program's counts in the kernel
// (`jvmbpf trace pid_counter.o --engine kernel`).
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u32);
    __type(value, __u64);
} syscalls_per_pid SEC(".maps");

SEC("tp/raw_syscalls/sys_enter")
int count_per_pid(struct trace_event_raw_sys_enter *ctx) {
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    __u64 one = 1;
    __u64 *value = bpf_map_lookup_elem(&syscalls_per_pid, &tgid);
    if (value)
        __sync_fetch_and_add(value, 1);
    else
        bpf_map_update_elem(&syscalls_per_pid, &tgid, &one, BPF_NOEXIST);
    return 0;
}

char _license[] SEC("license") = "GPL";
