// Maps declared the pre-BTF way: struct bpf_map_def records in the "maps" section.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

struct bpf_map_def SEC("maps") packets = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 256,
};

struct bpf_map_def SEC("maps") flows = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = sizeof(__u64),
    .value_size = sizeof(__u32),
    .max_entries = 64,
    .map_flags = 1,
};

SEC("socket")
int count_packets(void *ctx)
{
    __u32 key = 3;
    __u64 *v = bpf_map_lookup_elem(&packets, &key);
    if (v)
        *v += 1;
    __u64 flow = 42;
    __u32 one = 1;
    bpf_map_update_elem(&flows, &flow, &one, BPF_ANY);
    return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060100;
