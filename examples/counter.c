// Counts calls per key in a hash map. The key is the syscall id of the tracepoint context, so
// running it with --ctx id=59 several times counts 59; each run also counts itself in an array.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u64);
    __type(value, __u64);
} counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} runs SEC(".maps");

SEC("tp/raw_syscalls/sys_enter")
int count_syscalls(struct trace_event_raw_sys_enter *ctx) {
    __u64 key = ctx->id;
    __u64 one = 1;
    __u64 *value = bpf_map_lookup_elem(&counts, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
    else
        bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);

    __u32 zero = 0;
    __u64 *total = bpf_map_lookup_elem(&runs, &zero);
    if (total)
        __sync_fetch_and_add(total, 1);
    return 0;
}

char _license[] SEC("license") = "GPL";
