// tc programs that resize or retag the packet with the socket-buffer helpers; the kernel test-runs
// them (BPF_PROG_TEST_RUN) and the engines must give the same return values and packets.
// Rebuild with build.sh.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int grow_tail(struct __sk_buff *skb)
{
    long rc = bpf_skb_change_tail(skb, skb->len + 6, 0);
    return rc ? rc : skb->len;
}

SEC("tc")
int shrink_tail(struct __sk_buff *skb)
{
    long rc = bpf_skb_change_tail(skb, skb->len - 4, 0);
    return rc ? rc : skb->len;
}

SEC("tc")
int push_head(struct __sk_buff *skb)
{
    long rc = bpf_skb_change_head(skb, 14, 0);
    if (rc)
        return rc;
    void *data = (void *)(long)skb->data;
    void *end = (void *)(long)skb->data_end;
    if (data + 28 > end)
        return -1;
    __builtin_memcpy(data, data + 14, 12);
    *(__u16 *)(data + 12) = bpf_htons(0x88b5);
    return skb->len;
}

SEC("tc")
int to_ipv6(struct __sk_buff *skb)
{
    long rc = bpf_skb_change_proto(skb, bpf_htons(0x86dd), 0);
    return rc ? rc : skb->len;
}

SEC("tc")
int room_after_ip(struct __sk_buff *skb)
{
    long rc = bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0);
    return rc ? rc : skb->len;
}

SEC("tc")
int room_after_mac(struct __sk_buff *skb)
{
    long rc = bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 0);
    if (rc)
        return rc;
    rc = bpf_skb_adjust_room(skb, -2, BPF_ADJ_ROOM_MAC, 0);
    return rc ? rc : skb->len;
}

SEC("tc")
int two_vlan_tags(struct __sk_buff *skb)
{
    long rc = bpf_skb_vlan_push(skb, bpf_htons(0x8100), 5);
    if (rc)
        return rc;
    rc = bpf_skb_vlan_push(skb, bpf_htons(0x88a8), 9);
    if (rc)
        return rc;
    return skb->len << 16 | skb->vlan_tci;
}

SEC("tc")
int pull(struct __sk_buff *skb)
{
    long a = bpf_skb_pull_data(skb, 0);
    long b = bpf_skb_pull_data(skb, 20);
    long c = bpf_skb_pull_data(skb, 4000);
    return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16;
}

SEC("tc")
int packet_type(struct __sk_buff *skb)
{
    long a = bpf_skb_change_type(skb, 3);
    long b = bpf_skb_change_type(skb, 7);
    return (a & 0xff) | (b & 0xff) << 8 | skb->pkt_type << 16;
}

SEC("tc")
int tunnel_key(struct __sk_buff *skb)
{
    struct bpf_tunnel_key key = {};
    long before = bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0);
    key.tunnel_id = 42;
    key.remote_ipv4 = 0x0a000002;
    key.local_ipv4 = 0x0a000001;
    key.tunnel_tos = 1;
    key.tunnel_ttl = 64;
    long set = bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_DONT_FRAGMENT | BPF_F_SEQ_NUMBER);
    struct bpf_tunnel_key got = {};
    long get = bpf_skb_get_tunnel_key(skb, &got, sizeof(got), BPF_F_TUNINFO_FLAGS);
    __u8 opt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    long set_opt = bpf_skb_set_tunnel_opt(skb, opt, sizeof(opt));
    __u8 got_opt[12] = {};
    long get_opt = bpf_skb_get_tunnel_opt(skb, got_opt, sizeof(got_opt));
    long v6 = bpf_skb_get_tunnel_key(skb, &key, sizeof(key), BPF_F_TUNINFO_IPV6);
    long flags = bpf_skb_get_tunnel_key(skb, &got, sizeof(got), BPF_F_TUNINFO_FLAGS);
    __u8 rc[2] = {get_opt, v6};
    bpf_skb_store_bytes(skb, 0, &got, 32, 0);
    bpf_skb_store_bytes(skb, 32, got_opt, 8, 0);
    bpf_skb_store_bytes(skb, 40, rc, 2, 0);
    return (before & 0xff) | (set & 0xff) << 8 | (get & 0xff) << 16 | (set_opt & 0xff) << 24 | (flags & 0xff);
}

char _license[] SEC("license") = "GPL";
