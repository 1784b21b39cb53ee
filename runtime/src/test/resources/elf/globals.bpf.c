// Global data: .rodata (const and strings), .data, .bss and a custom .data.* section.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

volatile const __u32 threshold = 7;
volatile const char banner[16] = "jvmbpf";
__u64 hits = 100;
__u64 misses;
__u32 histogram[8];
__u32 custom_counter SEC(".data.custom") = 5;
static const char *names[] = { "low", "high" };

SEC("xdp")
int use_globals(void *ctx)
{
    __u32 t = threshold;
    if (t > 3) {
        hits++;
        histogram[t & 7]++;
    } else {
        misses++;
    }
    custom_counter += banner[0];
    bpf_printk("%s", names[t & 1]);
    return t;
}

char LICENSE[] SEC("license") = "GPL";
