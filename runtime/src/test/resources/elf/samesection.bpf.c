// A static function placed in a program section: not a program itself, but callable from the
// program beside it through a section-local call that carries no relocation.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __attribute__((section("xdp"))) int triple(int x)
{
    asm volatile("" : "+r"(x)); /* keeps clang from folding the call away */
    return 3 * x;
}

SEC("xdp")
int calls_neighbour(void *ctx)
{
    return triple(14);
}

char LICENSE[] SEC("license") = "GPL";
