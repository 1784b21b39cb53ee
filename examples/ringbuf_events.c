// Streams one event per call through a ring buffer: the caller's pid, a sequence number and comm.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u32 pid;
    __u32 seq;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

__u32 seq = 0;

SEC("tp/syscalls/sys_enter_openat")
int emit_event(void *ctx) {
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 1;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->seq = __sync_fetch_and_add(&seq, 1);
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char _license[] SEC("license") = "GPL";
