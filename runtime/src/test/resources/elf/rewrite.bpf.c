// Programs that rewrite their packet, so that the packets the engines and the kernel leave can be
// compared: addresses swapped and the TTL lowered in place, a VLAN tag pushed into new headroom,
// an IPv4 TOS set through the checksum helpers.
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} by_protocol SEC(".maps");

/* Sends the frame back: addresses swapped, IPv4 TTL lowered with its checksum fixed. */
SEC("xdp")
int xdp_reflect(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_ABORTED;
    unsigned char tmp[ETH_ALEN];
    __builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
    __builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
    __builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_TX;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return XDP_TX;
    __u32 proto = ip->protocol;
    __u64 *count = bpf_map_lookup_elem(&by_protocol, &proto);
    if (count)
        __sync_fetch_and_add(count, 1);
    if (ip->ttl <= 1)
        return XDP_DROP;
    __u32 check = ip->check;
    check += bpf_htons(0x0100);
    ip->check = (__u16)(check + (check >= 0xFFFF));
    ip->ttl--;
    return XDP_TX;
}

/* Pushes an 802.1Q tag with VLAN 42 in front of the EtherType, into new headroom. */
SEC("xdp")
int xdp_vlan_push(struct xdp_md *ctx)
{
    if (bpf_xdp_adjust_head(ctx, -4))
        return XDP_ABORTED;
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    if (data + 18 > data_end)
        return XDP_ABORTED;
    __u8 *p = data;
    __builtin_memmove(p, p + 4, 12);
    p[12] = 0x81;
    p[13] = 0x00;
    p[14] = 0x00;
    p[15] = 42;
    return XDP_PASS;
}

/* Sets the IPv4 TOS to 0x28 through the helpers that keep the header checksum right. */
SEC("tc")
int tc_set_tos(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof(*eth);
    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return TC_ACT_OK;
    __u8 old_tos = ip->tos;
    __u8 new_tos = 0x28;
    bpf_l3_csum_replace(skb, ETH_HLEN + __builtin_offsetof(struct iphdr, check), bpf_htons(old_tos),
                        bpf_htons(new_tos), 2);
    bpf_skb_store_bytes(skb, ETH_HLEN + __builtin_offsetof(struct iphdr, tos), &new_tos, 1, 0);
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
