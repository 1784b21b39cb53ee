// A tc program in a section that names no program type, as cilium's and iproute2's objects have
// them ("tc filter add ... bpf obj untyped.o sec from-netdev" makes a classifier of it): loaded as
// RAW it is refused (ctx->data is no packet pointer); with the type set it runs. It uses helpers
// whose effect lives in the kernel: get_hash_recalc, skb_change_tail, skb_vlan_push, fib_lookup.
// Rebuild with build.sh.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

SEC("from-netdev")
int from_netdev(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *end = (void *)(long)skb->data_end;
    if (data + 34 > end)
        return TC_ACT_SHOT;
    __u8 *p = data;
    if (p[12] != 0x08 || p[13] != 0x00)
        return TC_ACT_OK;
    struct bpf_fib_lookup fib = {};
    fib.family = 2; /* AF_INET */
    __builtin_memcpy(&fib.ipv4_dst, p + 30, 4);
    long route = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
    skb->cb[0] = bpf_get_hash_recalc(skb);
    skb->cb[1] = route;
    skb->cb[2] = fib.ifindex;
    if (bpf_skb_change_tail(skb, skb->len + 4, 0))
        return TC_ACT_SHOT;
    if (bpf_skb_vlan_push(skb, bpf_htons(0x8100), 7))
        return TC_ACT_SHOT;
    data = (void *)(long)skb->data;
    end = (void *)(long)skb->data_end;
    if (data + 1 > end)
        return TC_ACT_SHOT;
    skb->mark = (__u32)((long)end - (long)data);
    return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
