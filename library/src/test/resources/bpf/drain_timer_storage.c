// SPDX-License-Identifier: GPL-2.0
// Fixture for the user ring buffer, dynptr, timer and cgroup storage helpers (build.sh builds it).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define CLOCK_MONOTONIC 1

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, __u64);
} packets SEC(".maps");

struct elem {
	struct bpf_timer t;
	__u64 fired;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct elem);
} timers SEC(".maps");

__u64 sum;
long drained;
long results[10];
__u64 fired_in_run;
/* bpf_dynptr_from_mem takes map values only: the kernel refuses a stack buffer. */
char buf[16] = "abcdefghijklmno";

/* Adds each sample's first 8 bytes; a shorter sample stops the drain. */
static long on_sample(struct bpf_dynptr *d, void *ctx)
{
	__u64 v = 0;

	if (bpf_dynptr_read(&v, sizeof(v), d, 0, 0))
		return 1;
	sum += v;
	return 0;
}

SEC("xdp")
int drain(struct xdp_md *ctx)
{
	drained = bpf_user_ringbuf_drain(&samples, on_sample, NULL, 0);
	return XDP_PASS;
}

SEC("xdp")
int dynptr_local(struct xdp_md *ctx)
{
	char out[4] = {};
	struct bpf_dynptr d;
	char *p;

	results[0] = bpf_dynptr_from_mem(buf, sizeof(buf), 0, &d);
	results[1] = bpf_dynptr_write(&d, 2, "XY", 2, 0);
	results[2] = bpf_dynptr_read(out, sizeof(out), &d, 0, 0);
	results[3] = bpf_dynptr_read(out, sizeof(out), &d, 14, 0);
	results[4] = bpf_dynptr_write(&d, 0, "Z", 1, 1);
	p = bpf_dynptr_data(&d, 4, 4);
	results[5] = p ? p[0] : -1;
	results[6] = out[0] | out[1] << 8 | out[2] << 16 | out[3] << 24;
	results[7] = bpf_dynptr_from_mem(buf, sizeof(buf), 1, &d);
	return XDP_PASS;
}

SEC("xdp")
int dynptr_ringbuf(struct xdp_md *ctx)
{
	struct bpf_dynptr d, bad;
	__u64 v = 42;

	results[0] = bpf_ringbuf_reserve_dynptr(&events, sizeof(v), 0, &d);
	results[1] = bpf_dynptr_write(&d, 0, &v, sizeof(v), 0);
	bpf_ringbuf_submit_dynptr(&d, 0);
	results[2] = bpf_ringbuf_reserve_dynptr(&events, sizeof(v), 1, &bad);
	bpf_ringbuf_discard_dynptr(&bad, 0);
	return XDP_PASS;
}

static int on_timer(void *map, int *key, struct elem *e)
{
	e->fired++;
	return 0;
}

SEC("xdp")
int timer(struct xdp_md *ctx)
{
	int zero = 0;
	struct elem *e = bpf_map_lookup_elem(&timers, &zero);

	if (!e)
		return XDP_ABORTED;
	results[0] = bpf_timer_init(&e->t, &timers, CLOCK_MONOTONIC);
	results[1] = bpf_timer_start(&e->t, 1000, 0);
	results[2] = bpf_timer_set_callback(&e->t, on_timer);
	results[3] = bpf_timer_start(&e->t, 1000, 0);
	results[4] = bpf_timer_cancel(&e->t);
	results[5] = bpf_timer_start(&e->t, 1000, 0);
	results[6] = bpf_timer_set_callback(&e->t, on_timer);
	results[7] = bpf_timer_start(&e->t, 1000, 0);
	results[8] = bpf_timer_start(&e->t, 0, 4);
	results[9] = bpf_timer_start(&e->t, 2000, 0);
	fired_in_run = e->fired;
	return XDP_PASS;
}

SEC("cgroup_skb/egress")
int count(struct __sk_buff *skb)
{
	__u64 *n = bpf_get_local_storage(&packets, 0);

	__sync_fetch_and_add(n, 1);
	return 1;
}

char _license[] SEC("license") = "GPL";
