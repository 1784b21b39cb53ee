// A program array filled by its definition: entry jumps to stage 0, each stage adds its number
// to a counter and jumps to the next; the last slot is empty, so stage 2 returns the sum.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stage_array {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(__u32));
    __array(values, int(void *));
};

struct stage_array stages SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} sum SEC(".maps");

static __always_inline int stage(void *ctx, __u32 n)
{
    __u32 zero = 0;
    __u64 *s = bpf_map_lookup_elem(&sum, &zero);
    if (s)
        *s += n + 1;
    bpf_tail_call(ctx, &stages, n + 1);
    return s ? (int)*s : -1;
}

SEC("socket")
int stage0(void *ctx) { return stage(ctx, 0); }

SEC("socket")
int stage1(void *ctx) { return stage(ctx, 1); }

SEC("socket")
int stage2(void *ctx) { return stage(ctx, 2); }

struct stage_array stages SEC(".maps") = {
    .values = {
        [0] = (void *)&stage0,
        [1] = (void *)&stage1,
        [2] = (void *)&stage2,
    },
};

SEC("socket")
int entry(void *ctx)
{
    bpf_tail_call(ctx, &stages, 0);
    return -1;
}

char _license[] SEC("license") = "GPL";
