// BTF-defined maps: a hash map keyed by pid and an array of counters, with a struct value.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u32 pid;
    __s32 delta;
    char comm[8];
    __u64 count;
    unsigned int flag : 1;
    unsigned int level : 3;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, struct event);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
    __uint(map_flags, 0);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, 16);
    __uint(max_entries, 2);
} scratch SEC(".maps");

struct ctx_in {
    __u32 pid;
    __u32 slot;
};

SEC("socket")
int count_events(struct ctx_in *ctx)
{
    __u32 pid = ctx->pid;
    __u32 slot = ctx->slot;
    __u64 *c = bpf_map_lookup_elem(&counters, &slot);
    if (c)
        __sync_fetch_and_add(c, 1);
    struct event *e = bpf_map_lookup_elem(&events, &pid);
    if (e) {
        e->count++;
        return 1;
    }
    struct event fresh = { .pid = pid, .delta = -1, .count = 1, .flag = 1, .level = 5 };
    __builtin_memcpy(fresh.comm, "bash", 5);
    bpf_map_update_elem(&events, &pid, &fresh, BPF_ANY);
    return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
