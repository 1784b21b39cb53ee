// bpf_map_lookup_percpu_elem over every CPU of a per-CPU array and an LRU per-CPU hash: the sum of
// all CPUs' values, as tools like bcc's cpudist read them from inside the program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 64

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} by_key SEC(".maps");

const volatile __u32 nr_cpus = 1;

SEC("raw_tp/sys_enter")
int sum_cpus(void *ctx)
{
    __u32 zero = 0, k = 7, cpu;
    __u64 sum = 0, *v;

    v = bpf_map_lookup_elem(&counts, &zero);
    if (v)
        *v += 1;
    for (cpu = 0; cpu < MAX_CPUS && cpu < nr_cpus; cpu++) {
        v = bpf_map_lookup_percpu_elem(&counts, &zero, cpu);
        if (v)
            sum += *v;
        v = bpf_map_lookup_percpu_elem(&by_key, &k, cpu);
        if (v)
            sum += *v * 1000;
    }
    if (bpf_map_lookup_percpu_elem(&counts, &zero, 100000))
        return -1;
    return sum;
}

char LICENSE[] SEC("license") = "GPL";
