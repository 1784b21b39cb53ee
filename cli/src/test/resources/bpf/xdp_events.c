// An XDP program that reports each packet's length and first bytes through a ring buffer and
// passes it: `run --engine kernel` must print the records the kernel committed, as the engines do.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u32 len;
    __u8 head[4];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} packets SEC(".maps");

SEC("xdp")
int report_packet(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    if (data + 4 > data_end)
        return XDP_ABORTED;
    struct event *e = bpf_ringbuf_reserve(&packets, sizeof(*e), 0);
    if (!e)
        return XDP_ABORTED;
    e->len = data_end - data;
    __builtin_memcpy(e->head, data, 4);
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
