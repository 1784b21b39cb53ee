// One tiny program per section naming convention, to check how program types are derived.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROG(sec, name, ret) SEC(sec) int name(void *ctx) { return ret; }

PROG("tracepoint/sched/sched_switch", p_tracepoint, 1)
PROG("kprobe/vfs_read", p_kprobe, 2)
PROG("kretprobe/vfs_read", p_kretprobe, 3)
PROG("uprobe//bin/bash:readline", p_uprobe, 4)
PROG("xdp", p_xdp, 5)
PROG("tc/ingress", p_tc, 6)
PROG("classifier", p_classifier, 7)
PROG("action", p_action, 8)
PROG("socket", p_socket, 9)
PROG("raw_tp/sched_switch", p_raw_tp, 10)
PROG("raw_tracepoint/sys_enter", p_raw_tracepoint, 11)
PROG("fentry/do_unlinkat", p_fentry, 12)
PROG("fexit/do_unlinkat", p_fexit, 13)
PROG("tp_btf/sched_wakeup", p_tp_btf, 14)
PROG("perf_event", p_perf_event, 15)
PROG("syscall", p_syscall, 16)
PROG("cgroup_skb/ingress", p_cgroup_skb, 17)
PROG("my_custom_section", p_custom, 18)

char LICENSE[] SEC("license") = "GPL";
