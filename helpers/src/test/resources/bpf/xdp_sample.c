// The kernel's samples/bpf/xdp_sample_pkts: metadata plus the first bytes of the packet through
// bpf_perf_event_output, the packet length in the upper half of the flags (BPF_F_CTXLEN_MASK).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SAMPLE_SIZE 64ul
#define min(x, y) ((x) < (y) ? (x) : (y))

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(int));
    __uint(value_size, sizeof(__u32));
} my_map SEC(".maps");

long last_ret;

SEC("xdp")
int xdp_sample_prog(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    void *data = (void *)(long)ctx->data;

    /* Metadata will be in the perf event before the packet data. */
    struct S {
        __u16 cookie;
        __u16 pkt_len;
    } __attribute__((packed)) metadata;

    if (data < data_end) {
        __u64 flags = BPF_F_CURRENT_CPU;
        __u16 sample_size;

        metadata.cookie = 0xdead;
        metadata.pkt_len = (__u16)(data_end - data);
        sample_size = min(metadata.pkt_len, SAMPLE_SIZE);
        flags |= (__u64)sample_size << 32;

        last_ret = bpf_perf_event_output(ctx, &my_map, flags, &metadata, sizeof(metadata));
        /* asking for more packet than there is fails with -EFAULT */
        if (!last_ret)
            last_ret = bpf_perf_event_output(ctx, &my_map, BPF_F_CURRENT_CPU | ((__u64)(sample_size + 1) << 32),
                                             &metadata, sizeof(metadata));
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
