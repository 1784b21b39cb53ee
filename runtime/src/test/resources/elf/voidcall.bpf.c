// A void static subprogram: clang ends it with exit and leaves r0 unset; the kernel's verifier
// accepts that (only the entry function's exit must set r0).
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct acc {
    __u64 values[4];
    __u32 n;
};

static __noinline void push(struct acc *acc, __u64 v)
{
    if (acc->n < 4)
        acc->values[acc->n++] = v;
}

SEC("raw_tp/sys_enter")
int collect(void *ctx)
{
    struct acc acc = {};

    for (int i = 1; i <= 5; i++)
        push(&acc, i * 10);
    return acc.values[0] + acc.values[1] + acc.values[2] + acc.values[3] + acc.n;
}

char LICENSE[] SEC("license") = "GPL";
