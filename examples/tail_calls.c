// A chain of tail calls: the entry program jumps to stage 0, each stage adds to a counter in the
// trace and jumps to the next, the last one returns the sum of the stage numbers it saw (0+1+2).
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct stage_array {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(__u32));
    __array(values, int(void *));
};

/* A tentative definition: the stages use the map before it is initialised with them below. */
struct stage_array stages SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} sum SEC(".maps");

static __always_inline int stage(void *ctx, __u32 n) {
    __u32 zero = 0;
    __u64 *s = bpf_map_lookup_elem(&sum, &zero);
    if (s)
        *s += n;
    bpf_printk("stage %d", n);
    bpf_tail_call(ctx, &stages, n + 1);
    return s ? (int)*s : -1;
}

SEC("socket")
int stage0(void *ctx) { return stage(ctx, 0); }

SEC("socket")
int stage1(void *ctx) { return stage(ctx, 1); }

SEC("socket")
int stage2(void *ctx) { return stage(ctx, 2); }

/* Filled declaratively, as libbpf does: slot n holds stage n, slot 3 stays empty. */
struct stage_array stages SEC(".maps") = {
    .values = {
        [0] = (void *)&stage0,
        [1] = (void *)&stage1,
        [2] = (void *)&stage2,
    },
};

SEC("socket")
int entry(void *ctx) {
    __u32 zero = 0;
    __u64 *s = bpf_map_lookup_elem(&sum, &zero);
    if (s)
        *s = 0;
    bpf_tail_call(ctx, &stages, 0);
    return -1;
}

char _license[] SEC("license") = "GPL";
