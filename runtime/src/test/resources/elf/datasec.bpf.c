// Several global variables per data section: clang leaves the BTF DATASEC offsets of global
// (non-static) variables at 0 and its size at 0; loaders take them from the symbol table.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 targ_uid = 0xffffffff;
const volatile _Bool ignore_failed = 1;
const volatile int max_args = 3;
static const __u64 table[2] = { 11, 22 };   /* static: clang writes its offset */
__u64 total;
__u64 filtered;
int ratios[3] = { 1, 2, 3 };
char tag[4] = "ab";

SEC("tp/syscalls/sys_enter_execve")
int count(void *ctx)
{
    total += table[max_args & 1];
    if (targ_uid != 0xffffffff)
        filtered++;
    ratios[2] += ignore_failed;
    return max_args;
}

char LICENSE[] SEC("license") = "GPL";
