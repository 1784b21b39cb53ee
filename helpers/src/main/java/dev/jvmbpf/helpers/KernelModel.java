package dev.jvmbpf.helpers;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kernel-side state that helpers reach in the kernel and that a userspace runtime does not
 * have: routes, devices, perf counters, call stacks, network namespaces, sockets. Every helper
 * whose effect lives there works on this model, deterministically, with inputs a user sets here
 * and effects recorded in {@link #effects()}. Give it to the helpers with
 * {@link StandardHelpers#table(KernelModel)}; {@link StandardHelpers#table()} uses a model with
 * the defaults below that records nothing.
 *
 * <p>Defaults: no routes (bpf_fib_lookup says BPF_FIB_LKUP_RET_NOT_FWDED), every ifindex a device
 * with MTU 1500 and a 14-byte hardware header, no perf counters (-ENOENT), empty call stacks,
 * network namespace cookie 1, socket cookie 0 (no socket) for contexts that are no
 * {@code __sk_buff}, no socket options.
 *
 * <p>Per-packet state (the socket a packet belongs to, its hash, VLAN tag and tunnel metadata)
 * lives in the packet's context instead: {@link dev.jvmbpf.helpers.context.SkBuffContext}.
 * Settings may change between runs; a model may be shared by threads.
 */
public final class KernelModel {
    /** bpf_fib_lookup's BPF_FIB_LKUP_RET_NOT_FWDED: the packet is not forwarded (for local delivery). */
    public static final int FIB_NOT_FORWARDED = 4;

    private final boolean recording;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Map<Long, long[]> perfCounters = new ConcurrentHashMap<>();
    private final Map<Long, byte[]> socketOptions = new ConcurrentHashMap<>();
    private final List<Effect> effects = new CopyOnWriteArrayList<>();
    private volatile long[] kernelStack = new long[0];
    private volatile long[] userStack = new long[0];
    private volatile long netnsCookie = 1;
    private volatile long socketCookie;
    private volatile int mtu = 1500;
    private volatile long[] attachedPerfValue = {0, 0, 0};
    private volatile long funcIp;
    private volatile String path;

    /** A model with the defaults that records the effects of helpers. */
    public KernelModel() {
        this(true);
    }

    private KernelModel(boolean recording) {
        this.recording = recording;
    }

    /** The defaults, recording nothing: what {@link StandardHelpers#table()} uses. Not settable. */
    static KernelModel defaults() {
        return new KernelModel(false);
    }

    private KernelModel settable() {
        if (!recording) {
            throw new IllegalStateException("the default kernel model is not settable; use new KernelModel()");
        }
        return this;
    }

    /** One helper's effect on the kernel, which a userspace run only reports. */
    public record Effect(String helper, String detail) {
        @Override
        public String toString() {
            return helper + ": " + detail;
        }
    }

    /** What helpers did to the kernel so far (redirects, tunnel keys, socket options, overridden returns). */
    public List<Effect> effects() {
        return List.copyOf(effects);
    }

    public void clearEffects() {
        effects.clear();
    }

    /** Records an effect (a no-op for the defaults, so that a shared table does not grow). */
    public void record(String helper, String detail) {
        if (recording) {
            effects.add(new Effect(helper, detail));
        }
    }

    /**
     * A route for bpf_fib_lookup: packets to {@code prefix}/{@code prefixLength} go out of
     * {@code ifindex} with these source and destination MAC addresses (6 bytes each). The longest
     * matching prefix wins.
     */
    public KernelModel route(InetAddress prefix, int prefixLength, int ifindex, byte[] smac, byte[] dmac) {
        settable();
        int bits = prefix.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits || smac.length != 6 || dmac.length != 6) {
            throw new IllegalArgumentException("a route needs a prefix length 0.." + bits + " and 6-byte MACs");
        }
        routes.add(new Route(prefix.getAddress(), prefixLength, ifindex, smac.clone(), dmac.clone()));
        return this;
    }

    /** A route of the model's table. */
    public record Route(byte[] prefix, int prefixLength, int ifindex, byte[] smac, byte[] dmac) {
        boolean matches(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = prefixLength / 8;
            if (!Arrays.equals(prefix, 0, full, address, 0, full)) {
                return false;
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (prefix[full] & mask) == (address[full] & mask);
        }
    }

    /** The route for {@code address} (4 or 16 bytes), or null. */
    public Route routeTo(byte[] address) {
        Route best = null;
        for (Route r : routes) {
            if (r.matches(address) && (best == null || r.prefixLength > best.prefixLength)) {
                best = r;
            }
        }
        return best;
    }

    /** The MTU of every device (default 1500), for bpf_check_mtu and bpf_fib_lookup. */
    public KernelModel mtu(int bytes) {
        settable().mtu = bytes;
        return this;
    }

    public int mtu() {
        return mtu;
    }

    /**
     * The counter of the perf event in slot {@code index} of every perf event array (what
     * bpf_perf_event_read and bpf_perf_event_read_value return), with its enabled and running
     * times. Slots without a counter have no event: -ENOENT.
     */
    public KernelModel perfCounter(long index, long counter, long enabled, long running) {
        settable().perfCounters.put(index, new long[] {counter, enabled, running});
        return this;
    }

    /** {counter, enabled, running} of slot {@code index}, or null. */
    public long[] perfCounter(long index) {
        long[] v = perfCounters.get(index);
        return v == null ? null : v.clone();
    }

    /** The value bpf_perf_prog_read_value reads: the event a perf_event program is attached to. */
    public KernelModel attachedPerfValue(long counter, long enabled, long running) {
        settable().attachedPerfValue = new long[] {counter, enabled, running};
        return this;
    }

    public long[] attachedPerfValue() {
        return attachedPerfValue.clone();
    }

    /**
     * The kernel call stack bpf_get_stack and bpf_get_stackid see, innermost address first
     * (default empty: get_stack copies nothing, get_stackid says -EFAULT).
     */
    public KernelModel kernelStack(long... ips) {
        settable().kernelStack = ips.clone();
        return this;
    }

    public long[] kernelStack() {
        return kernelStack.clone();
    }

    /** The user stack (BPF_F_USER_STACK), innermost first; default empty. */
    public KernelModel userStack(long... ips) {
        settable().userStack = ips.clone();
        return this;
    }

    public long[] userStack() {
        return userStack.clone();
    }

    /** What bpf_get_netns_cookie returns (default 1). */
    public KernelModel netnsCookie(long cookie) {
        settable().netnsCookie = cookie;
        return this;
    }

    public long netnsCookie() {
        return netnsCookie;
    }

    /**
     * What bpf_get_socket_cookie returns for a context that is no {@code __sk_buff} (sock_ops,
     * sock_addr and socket programs), and the socket sock_map_update inserts; default 0.
     */
    public KernelModel socketCookie(long cookie) {
        settable().socketCookie = cookie;
        return this;
    }

    public long socketCookie() {
        return socketCookie;
    }

    /** What bpf_get_func_ip returns (default 0: no traced function). */
    public KernelModel funcIp(long ip) {
        settable().funcIp = ip;
        return this;
    }

    public long funcIp() {
        return funcIp;
    }

    /**
     * The path bpf_d_path writes for any {@code struct path} it is given (a userspace run has no
     * dentries to walk); null, the default, makes it fail with -EFAULT as the kernel does for a
     * path it cannot read.
     */
    public KernelModel path(String path) {
        settable().path = path;
        return this;
    }

    public String path() {
        return path;
    }

    /** A socket option bpf_getsockopt reads (and bpf_setsockopt sets), by level and name. */
    public KernelModel socketOption(int level, int name, byte[] value) {
        settable();
        socketOptions.put(optionKey(level, name), value.clone());
        return this;
    }

    /** The option's value, or null when none was set. */
    public byte[] socketOption(int level, int name) {
        byte[] v = socketOptions.get(optionKey(level, name));
        return v == null ? null : v.clone();
    }

    /** bpf_setsockopt's effect on the model (ignored by the defaults, which keep no state). */
    public void setSocketOption(int level, int name, byte[] value) {
        if (recording) {
            socketOptions.put(optionKey(level, name), value.clone());
        }
    }

    private static long optionKey(int level, int name) {
        return (long) level << 32 | (name & 0xffff_ffffL);
    }
}
