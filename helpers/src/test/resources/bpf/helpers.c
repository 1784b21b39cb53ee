// Exercises the helper library from clang-compiled code: printk (3 and more arguments), bpf_loop,
// strtol, strncmp, snprintf, comm, pid and a ring-buffer record. Rebuild with build.sh.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u32 pid;
    __s32 used;
    long parsed;
    long sum;
    long loops;
    char comm[16];
    char msg[32];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

const char number[] = "  -1234abc";
char greeting[] = "hello";

static int add_index(__u32 i, void *ctx)
{
    *(long *)ctx += i;
    return 0;
}

SEC("tracepoint/jvmbpf/helpers")
int all_helpers(void *ctx)
{
    long sum = 0;
    long loops = bpf_loop(10, add_index, &sum, 0);
    long parsed = 0;
    int used = bpf_strtol(number, sizeof(number) - 1, 0, &parsed);
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

    if (!e)
        return -1;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->used = used;
    e->parsed = parsed;
    e->sum = sum;
    e->loops = loops;
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    BPF_SNPRINTF(e->msg, sizeof(e->msg), "%s=%ld", greeting, sum);
    bpf_ringbuf_submit(e, 0);

    bpf_printk("greeting %s, sum %ld", greeting, sum);
    bpf_printk("loops %ld used %d parsed %ld sum %ld", loops, used, parsed, sum);
    return bpf_strncmp(greeting, sizeof(greeting), "hello");
}

char _license[] SEC("license") = "GPL";
