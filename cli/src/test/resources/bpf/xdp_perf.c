// An XDP program that sends each packet's length and first bytes to a perf event array and
// returns what bpf_perf_event_output returned (0 when a reader had the CPU's slot open), plus
// XDP_PASS: `run --engine kernel` must print the samples the kernel stored, as the engines do.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct packet_sample {
    __u32 len;
    __u8 head[8];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} samples SEC(".maps");

SEC("xdp")
int sample_packet(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct packet_sample s = {};
    if (data + 8 > data_end)
        return XDP_ABORTED;
    s.len = data_end - data;
    __builtin_memcpy(s.head, data, 8);
    /* 12 bytes: with the kernel's 4-byte size in front, a whole number of 8-byte words, so no padding. */
    long rc = bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &s, sizeof(s));
    return rc == 0 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";

/* Reads the packet without checking its end: the kernel's verifier refuses it after the perf
 * event array and its events exist, so a test sees that a refused load releases them. */
SEC("xdp")
int sample_unchecked(struct xdp_md *ctx) {
    __u8 *data = (void *)(long)ctx->data;
    struct packet_sample s = {.len = data[0]};
    bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &s, sizeof(s));
    return XDP_PASS;
}
