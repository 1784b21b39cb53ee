// Byte arrays (__u8, unsigned char) next to char arrays: dumps show the first as numbers, since
// as strings an address like ::1 or a MAC starting with 00 would print as "".
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct endpoint {
    __u8 mac[6];
    unsigned char flags[2];
    char name[8];
    __u8 addr6[16];
};

const volatile struct endpoint gateway = {
    .mac = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
    .flags = { 1, 2 },
    .name = "gw0",
    .addr6 = { [15] = 1 },
};

SEC("xdp")
int use_gateway(struct xdp_md *ctx)
{
    return gateway.mac[5] == 0x55 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
