// Kfuncs the kernel resolves through its BTF: open-coded numbers iterators (bpf_for and
// bpf_repeat loops, and the bpf_iter_num_* calls written out) and an RCU read section. The
// programs fold packet bytes and lengths into a map so that every engine's results can be
// compared with the kernel's.
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct bpf_iter_num {
    __u64 opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

// A loop over [lo, hi) with an iterator that lives for the loop's scope and is destroyed when
// it ends (the cleanup attribute). The element is checked against the bounds again so that the
// verifier, which does not know the iterator's values, knows i's range. Naming the destructor
// once more makes clang emit its BTF, which the cleanup use alone does not.
#define for_range(i, lo, hi)                                                              \
    for (struct bpf_iter_num range_it __attribute__((aligned(8), cleanup(bpf_iter_num_destroy))), \
         *range_init __attribute__((unused)) =                                            \
             (bpf_iter_num_new(&range_it, (lo), (hi)), (void)bpf_iter_num_destroy, (void *)0); \
         ({                                                                               \
             int *range_v = bpf_iter_num_next(&range_it);                                 \
             range_v && ((i) = *range_v, (i) >= (lo) && (i) < (hi));                      \
         });)

// n rounds, no index.
#define repeat(n)                                                                         \
    for (struct bpf_iter_num repeat_it __attribute__((aligned(8), cleanup(bpf_iter_num_destroy))), \
         *repeat_init __attribute__((unused)) =                                           \
             (bpf_iter_num_new(&repeat_it, 0, (n)), (void)bpf_iter_num_destroy, (void *)0); \
         bpf_iter_num_next(&repeat_it);)

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} results SEC(".maps");

static __always_inline void put(__u32 slot, __u64 value)
{
    __u64 *p = bpf_map_lookup_elem(&results, &slot);

    if (p)
        *p = value;
}

// A hash of the first 64 bytes of the packet, one iterator round per byte.
SEC("xdp")
int iter_bytes(struct xdp_md *ctx)
{
    __u8 *data = (void *)(long)ctx->data;
    __u8 *end = (void *)(long)ctx->data_end;
    __u64 hash = 0, seen = 0;
    int i;

    for_range(i, 0, 64) {
        if (data + i + 1 > end)
            break;
        hash = hash * 31 + data[i];
        seen++;
    }
    put(0, hash);
    put(1, seen);
    return XDP_PASS;
}

// Nested loops inside an RCU read section, a loop as long as the packet (mod 64), and the
// iterator calls written out: an empty range, and one the kernel refuses (start after end).
SEC("tc")
int iter_nested(struct __sk_buff *skb)
{
    struct bpf_iter_num it;
    __u64 n = 0;
    int i, j, err, *v;

    bpf_rcu_read_lock();
    for_range(i, 0, 5) {
        for_range(j, i, 5)
            n += i * j + 1;
    }
    bpf_rcu_read_unlock();
    repeat(skb->len & 63)
        n += 1000;
    put(2, n);

    err = bpf_iter_num_new(&it, 7, 7);
    v = bpf_iter_num_next(&it);
    bpf_iter_num_destroy(&it);
    put(3, (__u64)(long)err + (v ? 100 : 200));

    err = bpf_iter_num_new(&it, 5, 1);
    v = bpf_iter_num_next(&it);
    bpf_iter_num_destroy(&it);
    put(4, (__u64)(long)err + (v ? 100 : 200));
    return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
