// CO-RE relocations of every kind, against types defined here (no vmlinux.h) and marked
// preserve_access_index, so that a target BTF can move, resize, rename or drop them.
// read_rec (RAW: r1 points at a struct rec, the results go to the 8-byte slots from offset 64)
// runs anywhere (against a kernel's BTF, which has no struct rec, it returns 1 at once); task_info reads task_struct fields as a kprobe does, for the running kernel.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct rec {
    __u32 a;
    __u32 b;
    __u16 c;
    __u16 lo : 4, mid : 7, hi : 5;
    __s8 s;
    __u32 small;
} __attribute__((preserve_access_index));

/* A flavor: the same record as an older layout had it, with a field the current one lacks. */
struct rec___v1 {
    __u32 legacy;
} __attribute__((preserve_access_index));

enum rec_kind { REC_SMALL = 1, REC_LARGE = 2 };
/* A flavor of the enum with a value only newer targets have. */
enum rec_kind___v2 { REC_HUGE = 4 };

SEC("raw")
int read_rec(void *p)
{
    struct rec *r = p;
    __u64 *out = p + 64;
    /* Against a target without struct rec (a kernel's BTF) the rest is dead code: its relocations
     * are poisoned and never reached, and the program verifies. */
    if (!bpf_core_type_exists(struct rec))
        return 1;
    out[0] = r->b;
    out[1] = BPF_CORE_READ_BITFIELD(r, mid);
    out[2] = bpf_core_field_size(r->c);
    if (bpf_core_field_exists(((struct rec___v1 *)r)->legacy))
        out[3] = ((struct rec___v1 *)r)->legacy;
    else
        out[3] = 0xdead;
    out[4] = bpf_core_type_exists(struct rec___v1);
    out[5] = bpf_core_type_size(struct rec);
    out[6] = bpf_core_enum_value_exists(enum rec_kind___v2, REC_HUGE);
    out[7] = bpf_core_enum_value(enum rec_kind, REC_LARGE);
    out[8] = __builtin_preserve_field_info(r->s, BPF_FIELD_SIGNED);
    out[9] = bpf_core_type_id_kernel(struct rec);
    out[10] = bpf_core_type_id_local(struct rec);
    out[11] = bpf_core_type_matches(struct rec);
    out[12] = r->small;
    out[13] = bpf_core_field_exists(r->s);
    return 0;
}

struct task_struct {
    int pid;
    int tgid;
    struct task_struct *real_parent;
    unsigned int __state;
    unsigned int flags;
    char comm[16];
} __attribute__((preserve_access_index));

/* Before Linux 5.14 the state was a long named state. */
struct task_struct___old {
    long state;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };

struct task_info {
    __u32 pid, tgid, ppid, state, flags;
    __u64 sid_type;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct task_info);
} infos SEC(".maps");

SEC("kprobe/do_nanosleep")
int task_info(void *ctx)
{
    struct task_struct *t = (void *)bpf_get_current_task();
    __u32 zero = 0;
    struct task_info *i = bpf_map_lookup_elem(&infos, &zero);
    if (!i)
        return 0;
    i->pid = BPF_CORE_READ(t, pid);
    i->tgid = BPF_CORE_READ(t, tgid);
    i->ppid = BPF_CORE_READ(t, real_parent, tgid);
    if (bpf_core_field_exists(t->__state))
        i->state = BPF_CORE_READ(t, __state);
    else
        i->state = BPF_CORE_READ((struct task_struct___old *)t, state);
    i->flags = BPF_CORE_READ(t, flags);
    i->sid_type = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
    bpf_core_read(&i->comm, sizeof(i->comm), &t->comm);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
