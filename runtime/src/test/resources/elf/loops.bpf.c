// bpf_loop with callbacks that work on their caller's stack, as loops written for the kernel's
// verifier do: an FNV-1a hash over the first bytes of the packet, one callback call per byte, and
// a fixed-count mixing loop that stops early. Results go to a map so that every engine's can be
// compared.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} results SEC(".maps");

struct walk {
    __u64 hash;
    __u8 *data;
    __u8 *end;
    __u32 bytes;
};

static long hash_byte(__u32 i, void *arg)
{
    struct walk *w = arg;
    __u8 *p = w->data + (i & 63);

    if (p + 1 > w->end)
        return 1;
    w->hash = (w->hash ^ *p) * 0x100000001b3ULL;
    w->bytes++;
    return 0;
}

struct mix {
    __u64 state;
    __u64 rounds;
};

static long mix_round(__u32 i, void *arg)
{
    struct mix *m = arg;

    m->state ^= m->state << 13;
    m->state ^= m->state >> 7;
    m->state ^= m->state << 17;
    m->state += i;
    m->rounds++;
    return (m->state & 0xff) == 0x5a;
}

static void store(__u32 key, __u64 value)
{
    __u64 *slot = bpf_map_lookup_elem(&results, &key);

    if (slot)
        *slot = value;
}

SEC("xdp")
int xdp_loops(struct xdp_md *ctx)
{
    struct walk w = {
        .hash = 0xcbf29ce484222325ULL,
        .data = (__u8 *)(long)ctx->data,
        .end = (__u8 *)(long)ctx->data_end,
        .bytes = 0,
    };
    struct mix m = { .state = 0x9e3779b97f4a7c15ULL, .rounds = 0 };

    bpf_loop(64, hash_byte, &w, 0);
    bpf_loop(1000, mix_round, &m, 0);
    store(0, w.hash);
    store(1, w.bytes);
    store(2, m.state);
    store(3, m.rounds);
    return w.bytes >= 14 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
