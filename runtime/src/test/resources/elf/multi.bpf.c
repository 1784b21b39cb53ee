// Two programs in one section sharing .text subprograms (static and global), with a nested call
// and a callback passed by address (bpf_loop).
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int square(int x)
{
    return x * x;
}

__noinline int sum_of_squares(int a, int b)
{
    return square(a) + square(b);
}

static int add_index(__u32 index, void *data)
{
    *(__u64 *)data += index;
    return 0;
}

SEC("tc")
int first(void *ctx)
{
    return sum_of_squares(3, 4);
}

SEC("tc")
int second(void *ctx)
{
    __u64 total = 0;
    bpf_loop(5, add_index, &total, 0);
    return square(5) + total;
}

SEC("kprobe/do_nanosleep")
int third(void *ctx)
{
    return square(6);
}

char LICENSE[] SEC("license") = "GPL";
