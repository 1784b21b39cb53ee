// A program under a licence that is not GPL-compatible calling bpf_printk, which the kernel
// keeps for GPL programs: the kernel engine must refuse it as `bpftool prog load` does.
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int print_packet(struct xdp_md *ctx) {
    bpf_printk("packet on %u\n", ctx->ingress_ifindex);
    return XDP_PASS;
}

char _license[] SEC("license") = "Proprietary";
