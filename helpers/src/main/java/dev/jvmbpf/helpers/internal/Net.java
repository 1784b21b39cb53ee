package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.helpers.KernelModel;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Helpers whose effect lives in the kernel's network stack (routes, devices, redirects, sockets,
 * namespaces), on the {@link KernelModel}: each returns what the kernel would for the model's
 * state, and effects the kernel would carry out are recorded in {@link KernelModel#effects()}.
 * No socket objects exist: lookups find none, and the socket pointers programs could pass come
 * from nowhere.
 */
public final class Net {
    private static final long XDP_ACTION_MASK = 3;
    private static final long BPF_F_BROADCAST = 1 << 3;
    private static final long BPF_F_EXCLUDE_INGRESS = 1 << 4;
    private static final int FIB_PARAMS_SIZE = 64;
    private static final long FIB_FLAGS = 0x3f;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int FIB_RET_SUCCESS = 0;
    private static final int FIB_RET_FRAG_NEEDED = 5;
    private static final int REDIR_NEIGH_SIZE = 20;
    private static final int HARD_HEADER_LEN = 14;
    private static final int MTU_CHK_SEGS = 1;
    private static final int MTU_CHK_RET_SUCCESS = 0;
    private static final int MTU_CHK_RET_FRAG_NEEDED = 1;
    private static final long SOCK_OPS_ALL_CB_FLAGS = 0x7f;

    private Net() {
    }

    /**
     * bpf_redirect_map (51), XDP's: XDP_REDIRECT when the devmap, cpumap or xskmap holds
     * {@code key} (recorded as an effect), else the low two bits of {@code flags} (the action the
     * program chose for a miss); XDP_ABORTED for unknown flags. BPF_F_BROADCAST (devmaps) always
     * redirects.
     */
    public static long redirectMap(KernelModel k, Machine m, long r1, long key, long flags, long r4, long r5) {
        BpfMap map = Maps.map(m, r1, "redirect_map");
        MapType t = map.spec().type();
        boolean devmap = t == MapType.DEVMAP || t == MapType.DEVMAP_HASH;
        long allowed = XDP_ACTION_MASK | (devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0);
        if (!devmap && t != MapType.CPUMAP && t != MapType.XSKMAP || (flags & ~allowed) != 0) {
            return Xdp.XDP_ABORTED;
        }
        byte[] k32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) key).array();
        boolean broadcast = (flags & BPF_F_BROADCAST) != 0;
        if (!broadcast && (map.spec().keySize() != 4 || map.lookupValue(k32) == null)) {
            return flags & XDP_ACTION_MASK;
        }
        k.record("redirect_map", map.spec().name() + (broadcast ? " broadcast" : " key " + (key & 0xffff_ffffL)));
        return Xdp.XDP_REDIRECT;
    }

    /**
     * bpf_fib_lookup (69): looks the destination up in the model's routes ({@link KernelModel#route}).
     * A route fills {@code ifindex}, {@code smac}, {@code dmac} (and, for tc, {@code mtu_result})
     * and gives BPF_FIB_LKUP_RET_SUCCESS, or BPF_FIB_LKUP_RET_FRAG_NEEDED when {@code tot_len}
     * exceeds the MTU; no route gives BPF_FIB_LKUP_RET_NOT_FWDED. -EINVAL for a short
     * {@code plen} or unknown flags, -EAFNOSUPPORT for a family other than AF_INET/AF_INET6.
     */
    public static long fibLookup(KernelModel k, Machine m, long ctx, long params, long plen, long flags, long r5) {
        if ((int) plen < FIB_PARAMS_SIZE || (flags & ~FIB_FLAGS) != 0) {
            return -Errno.EINVAL;
        }
        AddressSpace mem = m.memory();
        byte[] p = Mem.read(mem, params, FIB_PARAMS_SIZE, "fib_lookup");
        Mem.require(mem, params, FIB_PARAMS_SIZE, true, "fib_lookup");
        int family = p[0] & 0xff;
        byte[] dst;
        if (family == AF_INET) {
            dst = Arrays.copyOfRange(p, 32, 36);
        } else if (family == AF_INET6) {
            dst = Arrays.copyOfRange(p, 32, 48);
        } else {
            return -Errno.EAFNOSUPPORT;
        }
        KernelModel.Route route = k.routeTo(dst);
        if (route == null) {
            return KernelModel.FIB_NOT_FORWARDED;
        }
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int totLen = Short.toUnsignedInt(b.getShort(6));
        boolean xdp = m.program().type() == ProgramType.XDP;
        if (xdp && totLen > k.mtu()) {
            b.putShort(6, (short) k.mtu());
            mem.write(params, p, 0, p.length);
            return FIB_RET_FRAG_NEEDED;
        }
        b.putInt(8, route.ifindex());
        System.arraycopy(route.smac(), 0, p, 52, 6);
        System.arraycopy(route.dmac(), 0, p, 58, 6);
        int ret = FIB_RET_SUCCESS;
        if (!xdp) {
            if (m.packetLength() > k.mtu() + HARD_HEADER_LEN) {
                ret = FIB_RET_FRAG_NEEDED;
            }
            b.putShort(6, (short) k.mtu());
        }
        mem.write(params, p, 0, p.length);
        return ret;
    }

    /**
     * bpf_check_mtu (163): whether the packet ({@code *mtu_len} + 14 when that is not 0, plus
     * {@code lenDiff}) fits the model's MTU + 14 on any device: BPF_MTU_CHK_RET_SUCCESS or
     * _FRAG_NEEDED, storing the MTU in {@code *mtu_len}; -EINVAL for flags (XDP allows none, tc
     * BPF_MTU_CHK_SEGS only without {@code *mtu_len} and {@code lenDiff}).
     */
    public static long checkMtu(KernelModel k, Machine m, long ctx, long ifindex, long mtuLen, long lenDiff,
            long flags) {
        AddressSpace mem = m.memory();
        Mem.require(mem, mtuLen, 4, true, "check_mtu");
        long given = mem.load(mtuLen, 4) & 0xffff_ffffL;
        boolean xdp = m.program().type() == ProgramType.XDP;
        int ret;
        if (xdp ? flags != 0 : (flags & ~MTU_CHK_SEGS) != 0 || flags != 0 && ((int) lenDiff != 0 || given != 0)) {
            ret = -Errno.EINVAL;
        } else {
            long len = given != 0 ? given + HARD_HEADER_LEN : m.packetLength();
            len += (int) lenDiff;
            ret = len <= k.mtu() + HARD_HEADER_LEN ? MTU_CHK_RET_SUCCESS : MTU_CHK_RET_FRAG_NEEDED;
        }
        mem.store32(mtuLen, k.mtu());
        return ret;
    }

    /** bpf_redirect_neigh (152): TC_ACT_REDIRECT to {@code ifindex} (recorded), TC_ACT_SHOT for a short {@code plen} or flags. */
    public static long redirectNeigh(KernelModel k, Machine m, long ifindex, long params, long plen, long flags,
            long r5) {
        long n = Mem.u32(plen);
        if (n != 0 && n < REDIR_NEIGH_SIZE || flags != 0) {
            return Xdp.TC_ACT_SHOT;
        }
        k.record("redirect_neigh", "ifindex " + (ifindex & 0xffff_ffffL));
        return Xdp.TC_ACT_REDIRECT;
    }

    /** bpf_redirect_peer (155): TC_ACT_REDIRECT to the peer of {@code ifindex} (recorded), TC_ACT_SHOT for flags. */
    public static long redirectPeer(KernelModel k, Machine m, long ifindex, long flags, long r3, long r4, long r5) {
        if (flags != 0) {
            return Xdp.TC_ACT_SHOT;
        }
        k.record("redirect_peer", "ifindex " + (ifindex & 0xffff_ffffL));
        return Xdp.TC_ACT_REDIRECT;
    }

    /** bpf_get_netns_cookie (122): the model's network namespace cookie. */
    public static long netnsCookie(KernelModel k, Machine m, long ctx, long r2, long r3, long r4, long r5) {
        return k.netnsCookie();
    }

    /**
     * bpf_setsockopt (49): sets the option in the model ({@link KernelModel#socketOption}), recorded;
     * -EINVAL for a negative length.
     */
    public static long setsockopt(KernelModel k, Machine m, long ctx, long level, long name, long value, long len) {
        byte[] v = Mem.read(m.memory(), value, Mem.u32(len), "setsockopt");
        k.setSocketOption((int) level, (int) name, v);
        k.record("setsockopt", "level " + (int) level + " optname " + (int) name + " " + v.length + " bytes");
        return 0;
    }

    /**
     * bpf_getsockopt (57): the option's value from the model, cut or zero-padded to {@code len};
     * -EINVAL and a zeroed buffer for an option never set.
     */
    public static long getsockopt(KernelModel k, Machine m, long ctx, long level, long name, long value, long len) {
        long n = Mem.u32(len);
        Mem.require(m.memory(), value, n, true, "getsockopt");
        byte[] v = k.socketOption((int) level, (int) name);
        byte[] out = v == null ? new byte[(int) n] : Arrays.copyOf(v, (int) n);
        m.memory().write(value, out, 0, out.length);
        return v == null ? -Errno.EINVAL : 0;
    }

    /**
     * bpf_sock_map_update (53) and bpf_sock_hash_update (70): puts the context's socket (the
     * model's socket cookie, as the value) into the map at {@code key}; -EOPNOTSUPP when the
     * cookie is 0 (no socket), -EINVAL for flags over BPF_EXIST.
     */
    public static long sockMapUpdate(KernelModel k, Machine m, long ctx, long r2, long key, long flags, long r5) {
        BpfMap map = Maps.map(m, r2, "sock_map_update");
        MapType t = map.spec().type();
        if (t != MapType.SOCKMAP && t != MapType.SOCKHASH || Long.compareUnsigned(flags, MapFlags.BPF_EXIST) > 0) {
            return -Errno.EINVAL;
        }
        byte[] keyBytes = m.memory().read(key, map.spec().keySize());
        if (k.socketCookie() == 0) {
            return -Errno.EOPNOTSUPP;
        }
        byte[] value = new byte[map.spec().valueSize()];
        ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).put(Arrays.copyOf(
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(k.socketCookie()).array(),
                Math.min(8, value.length)));
        int rc = map.update(keyBytes, value, flags);
        if (rc == 0) {
            k.record(t == MapType.SOCKMAP ? "sock_map_update" : "sock_hash_update", map.spec().name()
                    + " socket " + k.socketCookie());
        }
        return rc;
    }

    /**
     * bpf_sk_select_reuseport (82): selects the socket at {@code key} (recorded); -ENOENT when the
     * map holds none, -EINVAL for flags.
     */
    public static long selectReuseport(KernelModel k, Machine m, long ctx, long r2, long key, long flags, long r5) {
        BpfMap map = Maps.map(m, r2, "sk_select_reuseport");
        byte[] keyBytes = m.memory().read(key, map.spec().keySize());
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        if (map.lookupValue(keyBytes) == null) {
            return -Errno.ENOENT;
        }
        k.record("sk_select_reuseport", map.spec().name());
        return 0;
    }

    /** bpf_sock_ops_cb_flags_set (59): the socket takes the flags it knows (recorded); returns the others. */
    public static long sockOpsCbFlagsSet(KernelModel k, Machine m, long ctx, long flags, long r3, long r4, long r5) {
        int f = (int) flags;
        k.record("sock_ops_cb_flags_set", "0x" + Integer.toHexString(f & (int) SOCK_OPS_ALL_CB_FLAGS));
        return f & ~SOCK_OPS_ALL_CB_FLAGS;
    }

    /** Socket lookups and casts (84, 85, 95, 96, 99, 137, 139, 107): no socket exists, so NULL. */
    public static long noSocket(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return 0;
    }

    /** bpf_sk_release (86): 0. */
    public static long release(Machine m, long r1, long r2, long r3, long r4, long r5) {
        return 0;
    }

    /** bpf_sk_assign (124): the packet is assigned to the socket (recorded); -EINVAL for flags or no socket. */
    public static long skAssign(KernelModel k, Machine m, long ctx, long sk, long flags, long r4, long r5) {
        if (flags != 0 || sk == 0) {
            return -Errno.EINVAL;
        }
        k.record("sk_assign", "socket 0x" + Long.toHexString(sk));
        return 0;
    }

    /**
     * bpf_skb_under_cgroup (33): whether the packet's socket is in the cgroup at {@code index} of
     * the cgroup array, the cgroup named by its id (what bpf_get_current_cgroup_id gives) as the
     * element's value: 1 or 0; -ENOENT without a socket (socket cookie 0), -E2BIG past the array,
     * -EAGAIN for an empty slot.
     */
    public static long skbUnderCgroup(Machine m, long ctx, long r2, long index, long r4, long r5) {
        SkBuffContext.Skb s = SkBuffContext.Skb.of(m.memory().regionOf(ctx));
        if (s == null || s.socketCookie() == 0) {
            return -Errno.ENOENT;
        }
        return underCgroup(m, r2, index, "skb_under_cgroup");
    }

    /** bpf_current_task_under_cgroup (37): as skb_under_cgroup, for the current task. */
    public static long currentTaskUnderCgroup(Machine m, long r1, long index, long r3, long r4, long r5) {
        return underCgroup(m, r1, index, "current_task_under_cgroup");
    }

    private static long underCgroup(Machine m, long handle, long index, String helper) {
        BpfMap map = Maps.map(m, handle, helper);
        if (map.spec().type() != MapType.CGROUP_ARRAY) {
            return -Errno.EINVAL;
        }
        long i = index & 0xffff_ffffL;
        if (i >= map.spec().maxEntries()) {
            return -Errno.E2BIG;
        }
        byte[] v = map.lookupValue(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) i).array());
        if (v == null) {
            return -Errno.EAGAIN;
        }
        long id = ByteBuffer.wrap(Arrays.copyOf(v, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (v.length < 8) {
            id &= (1L << (8 * v.length)) - 1;
        }
        return id == Task.cgroupId(m, 0, 0, 0, 0, 0) ? 1 : 0;
    }
}
