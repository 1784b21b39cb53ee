// A tc classifier that tail-calls through a program array: slot 0 (filled in the object, as
// libbpf does) counts a hop and jumps to slot 1, which returns 100 times the hops counted so far
// plus the packet's length; slot 2 stays empty, so a jump to it falls through. `run --engine
// kernel` must load the slots' programs into the kernel's program array and return what the
// engines return.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct jump_table {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 3);
    __uint(key_size, sizeof(__u32));
    __array(values, int(void *));
};

struct jump_table jumps SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} hops SEC(".maps");

static __always_inline __u64 hop(void) {
    __u32 zero = 0;
    __u64 *n = bpf_map_lookup_elem(&hops, &zero);
    if (!n)
        return 0;
    *n += 1;
    return *n;
}

SEC("tc")
int count_hop(struct __sk_buff *skb) {
    hop();
    bpf_tail_call(skb, &jumps, 1);
    return 1;
}

SEC("tc")
int add_length(struct __sk_buff *skb) {
    __u64 n = hop();
    bpf_tail_call(skb, &jumps, 2);
    return n * 100 + skb->len;
}

struct jump_table jumps SEC(".maps") = {
    .values = {
        [0] = (void *)&count_hop,
        [1] = (void *)&add_length,
    },
};

SEC("tc")
int classify(struct __sk_buff *skb) {
    hop();
    bpf_tail_call(skb, &jumps, 0);
    return 2;
}

char _license[] SEC("license") = "GPL";
