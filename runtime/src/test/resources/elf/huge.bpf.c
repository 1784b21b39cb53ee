// Maps at the kernel's size limits. max_entries is a u32 in BTF (the length of an array type):
// the hash map has the most entries the kernel's hash table takes (2^27 buckets), the LPM trie
// the most a u32 holds; both allocate as elements come. Built with -DHASH_2G or -DARRAY_2G it
// declares a map the kernel refuses (E2BIG) or allocates whole (16 GiB; ENOMEM here).
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1u << 27);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, __u32);
    __type(value, __u64);
} big_hash SEC(".maps");

struct prefix {
    __u32 len;
    __u32 addr;
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 0xffffffffu);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct prefix);
    __type(value, __u64);
} big_trie SEC(".maps");

#ifdef HASH_2G
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1u << 31);
    __type(key, __u32);
    __type(value, __u64);
} hash_2g SEC(".maps");
#endif

#ifdef ARRAY_2G
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1u << 31);
    __type(key, __u32);
    __type(value, __u32);
} array_2g SEC(".maps");
#endif

// Stores 1000 + i at keys i * 2^20 (i < 100), a /24 route in the trie, and returns the sum of
// what it reads back plus the trie's value: 100 * 1000 + 4950 + 7 = 104957.
SEC("socket")
int fill(struct __sk_buff *skb)
{
    __u64 sum = 0;
    for (__u32 i = 0; i < 100; i++) {
        __u32 key = i << 20;
        __u64 value = 1000 + i;
        bpf_map_update_elem(&big_hash, &key, &value, BPF_ANY);
        __u64 *got = bpf_map_lookup_elem(&big_hash, &key);
        if (got)
            sum += *got;
    }
    struct prefix route = {24, 0x0001a8c0};
    __u64 hop = 7;
    bpf_map_update_elem(&big_trie, &route, &hop, BPF_ANY);
    struct prefix host = {32, 0x2a01a8c0};
    __u64 *found = bpf_map_lookup_elem(&big_trie, &host);
    if (found)
        sum += *found;
    return sum;
}

char LICENSE[] SEC("license") = "GPL";
