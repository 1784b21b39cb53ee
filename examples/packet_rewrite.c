// Rewrites packets, to see what `jvmbpf run` reports changed: xdp_reflect sends a frame back
// (MACs swapped, TTL lowered) and counts UDP destination ports per CPU; tc_mark sets the
// socket buffer's mark and priority from typed globals and a port table.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 65536);
    __type(key, __u32);   /* UDP destination port */
    __type(value, __u64); /* packets seen on this CPU */
} ports SEC(".maps");

struct flow {
    __u16 port;  /* destination port, host order */
    __u8 proto;
    __u8 pad;
};

struct verdict {
    __u32 mark;
    __u32 drop;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, struct flow);
    __type(value, struct verdict);
} rules SEC(".maps");

const volatile __u32 default_mark = 1;
const volatile char label[8] = "none";
__u32 priority = 0;
__u64 rewritten SEC(".data.stats") = 0;

static __always_inline struct iphdr *ipv4(void *data, void *data_end) {
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return 0;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return 0;
    return ip;
}

SEC("xdp")
int xdp_reflect(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct iphdr *ip = ipv4(data, data_end);
    if (!ip)
        return XDP_PASS;
    struct ethhdr *eth = data;
    unsigned char tmp[6];
    __builtin_memcpy(tmp, eth->h_source, 6);
    __builtin_memcpy(eth->h_source, eth->h_dest, 6);
    __builtin_memcpy(eth->h_dest, tmp, 6);
    ip->ttl--;
    if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = (void *)(ip + 1);
        if ((void *)(udp + 1) <= data_end) {
            __u32 port = bpf_ntohs(udp->dest);
            __u64 *n = bpf_map_lookup_elem(&ports, &port);
            if (n)
                *n += 1;
        }
    }
    __sync_fetch_and_add(&rewritten, 1);
    return XDP_TX;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb) {
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    skb->mark = default_mark;
    skb->priority = priority;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return TC_ACT_OK;
    struct iphdr *ip = (void *)(eth + 1);
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > data_end)
        return TC_ACT_OK;
    struct flow f = {.port = bpf_ntohs(udp->dest), .proto = ip->protocol};
    struct verdict *v = bpf_map_lookup_elem(&rules, &f);
    if (!v)
        return TC_ACT_OK;
    skb->mark = v->mark;
    skb->cb[0] = label[0];
    return v->drop ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Returns 64 bits where the hook takes 32: the kernel sees only the low half (0x33e03c3f). */
SEC("xdp")
__u64 xdp_wide(struct xdp_md *ctx) {
    __u64 wide = 0x3133e03c3fULL + ctx->rx_queue_index;
    return wide;
}

char _license[] SEC("license") = "GPL";
