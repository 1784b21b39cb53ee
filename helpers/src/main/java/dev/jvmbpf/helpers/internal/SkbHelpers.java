package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.helpers.KernelModel;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.program.ProgramType;
import java.util.Arrays;

/**
 * Socket-buffer helpers on the runtime's {@code __sk_buff} ({@link SkBuffContext.Skb}): the
 * packet is linear and starts at a 14-byte Ethernet header, so that the MAC header length the
 * kernel's helpers use is {@link SkBuffContext#ETH_HLEN}; {@code skb->protocol} is the context's
 * {@code protocol} field. A context that is no {@code __sk_buff} gets -EINVAL.
 */
public final class SkbHelpers {
    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_IPV6 = 0x86dd;
    private static final int ETH_P_8021Q = 0x8100;
    private static final int ETH_P_8021AD = 0x88a8;
    private static final int IPV6_IPV4_DIFF = 20;
    private static final int PACKET_OTHERHOST = 3;
    private static final int VLAN_HLEN = 4;
    /** BPF_F_ADJ_ROOM_*: every flag the kernel defines, bits 0-8 and the L2 length in bits 56-63. */
    private static final long ADJ_ROOM_MASK = 0x1ffL | 0xffL << 56;
    private static final long ADJ_ROOM_DECAP_L3 = 0x180;
    private static final int ADJ_ROOM_NET = 0;
    private static final int ADJ_ROOM_MAC = 1;
    private static final int BPF_TUNNEL_KEY_SIZE = 44;
    /** offsetof(struct bpf_tunnel_key, tunnel_ext) and offsetof(..., local_ipv4): older sizes the kernel accepts. */
    private static final int TUNNEL_KEY_SIZE_OLD = 24;
    private static final int TUNNEL_KEY_SIZE_NO_LOCAL = 28;
    private static final long TUNINFO_IPV6 = 1;
    private static final long TUNINFO_FLAGS = 1 << 4;
    private static final long SET_TUNNEL_FLAGS = 0x1f;
    private static final int IP_TUNNEL_OPTS_MAX = 255;
    private static final int ETH_HLEN = SkBuffContext.ETH_HLEN;

    private SkbHelpers() {
    }

    private static SkBuffContext.Skb skb(Machine m, long ctx) {
        return SkBuffContext.Skb.of(m.memory().regionOf(ctx));
    }

    /** skb->protocol as an EtherType in host order. */
    private static int protocol(SkBuffContext.Skb s) {
        return Short.toUnsignedInt(Short.reverseBytes((short) s.field(SkBuffContext.PROTOCOL)));
    }

    private static void setProtocol(SkBuffContext.Skb s, int etherType) {
        s.setField(SkBuffContext.PROTOCOL, Short.toUnsignedInt(Short.reverseBytes((short) etherType)));
    }

    /** A __be16 argument (as the program passes {@code bpf_htons(x)}) in host order. */
    private static int be16(long arg) {
        return Short.toUnsignedInt(Short.reverseBytes((short) arg));
    }

    /** The packet with {@code len} zero bytes inserted at {@code off}. */
    private static byte[] insert(byte[] p, int off, int len) {
        byte[] out = new byte[p.length + len];
        System.arraycopy(p, 0, out, 0, off);
        System.arraycopy(p, off, out, off + len, p.length - off);
        return out;
    }

    /** The packet without the {@code len} bytes at {@code off}. */
    private static byte[] remove(byte[] p, int off, int len) {
        byte[] out = new byte[p.length - len];
        System.arraycopy(p, 0, out, 0, off);
        System.arraycopy(p, off + len, out, off, p.length - off - len);
        return out;
    }

    /**
     * bpf_skb_pull_data (39): makes the first {@code len} bytes (0: the linear part) direct-accessible.
     * The runtime's packet is always linear: 0, or -ENOMEM when {@code len} exceeds the packet as
     * the kernel's pskb_may_pull says.
     */
    public static long pullData(Machine m, long ctx, long len, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null) {
            return -Errno.EINVAL;
        }
        if ((len & 0xffff_ffffL) > s.packet().length) {
            return -Errno.ENOMEM;
        }
        s.replacePacket(m, s.packet());
        return 0;
    }

    /**
     * bpf_skb_change_head (43): pushes {@code headRoom} zero bytes before the packet (a new MAC
     * header); -EINVAL for flags or a packet over {@link SkBuffContext#MAX_LEN}.
     */
    public static long changeHead(Machine m, long ctx, long headRoom, long flags, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        long room = headRoom & 0xffff_ffffL;
        if (s == null || flags != 0 || s.packet().length + room > SkBuffContext.MAX_LEN) {
            return -Errno.EINVAL;
        }
        s.replacePacket(m, insert(s.packet(), 0, (int) room));
        return 0;
    }

    /**
     * bpf_skb_change_tail (38): trims or grows (with zeros) the packet to {@code newLen}; -EINVAL
     * for flags, more than {@link SkBuffContext#MAX_LEN} or less than the MAC header of tc programs.
     */
    public static long changeTail(Machine m, long ctx, long newLen, long flags, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        long len = newLen & 0xffff_ffffL;
        if (s == null || flags != 0 || len > SkBuffContext.MAX_LEN || len < minLength(m)) {
            return -Errno.EINVAL;
        }
        s.replacePacket(m, Arrays.copyOf(s.packet(), (int) len));
        return 0;
    }

    /** The kernel's __bpf_skb_min_len: the network offset, the MAC header for tc programs. */
    private static int minLength(Machine m) {
        ProgramType t = m.program().type();
        return t == ProgramType.SCHED_CLS || t == ProgramType.SCHED_ACT ? ETH_HLEN : 0;
    }

    /**
     * bpf_skb_change_proto (31): IPv4 to IPv6 makes 20 zero bytes of room after the MAC header,
     * IPv6 to IPv4 removes 20 bytes there (the program rewrites the header), sets
     * {@code protocol} and clears the hash; -EINVAL for flags, -ENOTSUPP (524) for other protocols.
     */
    public static long changeProto(Machine m, long ctx, long proto, long flags, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null || flags != 0) {
            return -Errno.EINVAL;
        }
        int from = protocol(s);
        int to = be16(proto);
        byte[] p = s.packet();
        if (from == ETH_P_IP && to == ETH_P_IPV6) {
            if (p.length + IPV6_IPV4_DIFF > SkBuffContext.MAX_LEN || p.length < ETH_HLEN) {
                return -Errno.ENOMEM;
            }
            s.replacePacket(m, insert(p, ETH_HLEN, IPV6_IPV4_DIFF));
        } else if (from == ETH_P_IPV6 && to == ETH_P_IP) {
            if (p.length < ETH_HLEN + 40) {
                return -Errno.EINVAL;
            }
            s.replacePacket(m, remove(p, ETH_HLEN, IPV6_IPV4_DIFF));
        } else {
            s.replacePacket(m, p);
            return -Errno.ENOTSUPP;
        }
        setProtocol(s, to);
        s.setField(SkBuffContext.HASH, 0);
        return 0;
    }

    /** bpf_skb_change_type (32): sets {@code pkt_type}; both old and new must be at most PACKET_OTHERHOST. */
    public static long changeType(Machine m, long ctx, long type, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        long t = type & 0xffff_ffffL;
        if (s == null || Integer.toUnsignedLong(s.field(SkBuffContext.PKT_TYPE)) > PACKET_OTHERHOST
                || t > PACKET_OTHERHOST) {
            return -Errno.EINVAL;
        }
        s.setField(SkBuffContext.PKT_TYPE, (int) t);
        return 0;
    }

    /**
     * bpf_skb_vlan_push (18): like the kernel's skb_vlan_push, a tag already held out of band
     * ({@code vlan_present}) moves into the packet after the MAC addresses, and the new tag becomes
     * the out-of-band one ({@code vlan_present}, {@code vlan_tci}, {@code vlan_proto}); a protocol
     * other than 802.1Q or 802.1ad is taken as 802.1Q.
     */
    public static long vlanPush(Machine m, long ctx, long vlanProto, long vlanTci, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null) {
            return -Errno.EINVAL;
        }
        int proto = be16(vlanProto);
        if (proto != ETH_P_8021Q && proto != ETH_P_8021AD) {
            proto = ETH_P_8021Q;
        }
        if (s.field(SkBuffContext.VLAN_PRESENT) != 0) {
            byte[] p = s.packet();
            if (p.length < ETH_HLEN || p.length + VLAN_HLEN > SkBuffContext.MAX_LEN) {
                return -Errno.EINVAL;
            }
            byte[] out = insert(p, 12, VLAN_HLEN);
            int oldProto = be16(s.field(SkBuffContext.VLAN_PROTO));
            int oldTci = s.field(SkBuffContext.VLAN_TCI) & 0xffff;
            out[12] = (byte) (oldProto >> 8);
            out[13] = (byte) oldProto;
            out[14] = (byte) (oldTci >> 8);
            out[15] = (byte) oldTci;
            s.replacePacket(m, out);
            setProtocol(s, oldProto);
        } else {
            s.replacePacket(m, s.packet());
        }
        s.setField(SkBuffContext.VLAN_PRESENT, 1);
        s.setField(SkBuffContext.VLAN_TCI, (int) (vlanTci & 0xffff));
        s.setField(SkBuffContext.VLAN_PROTO, Short.toUnsignedInt(Short.reverseBytes((short) proto)));
        return 0;
    }

    /**
     * bpf_skb_vlan_pop (19): drops the out-of-band tag, or else the packet's outer tag; then the
     * packet's next tag (if {@code protocol} is a VLAN type) becomes the out-of-band one.
     */
    public static long vlanPop(Machine m, long ctx, long r2, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null) {
            return -Errno.EINVAL;
        }
        if (s.field(SkBuffContext.VLAN_PRESENT) != 0) {
            s.setField(SkBuffContext.VLAN_PRESENT, 0);
            s.setField(SkBuffContext.VLAN_TCI, 0);
            s.setField(SkBuffContext.VLAN_PROTO, 0);
        } else {
            if (!isVlan(protocol(s))) {
                s.replacePacket(m, s.packet());
                return 0;
            }
            int[] tag = popTag(m, s);
            if (tag == null) {
                return -Errno.ENOMEM;
            }
        }
        int outer = protocol(s);
        if (!isVlan(outer)) {
            s.replacePacket(m, s.packet());
            return 0;
        }
        int[] tag = popTag(m, s);
        if (tag == null) {
            return -Errno.ENOMEM;
        }
        s.setField(SkBuffContext.VLAN_PRESENT, 1);
        s.setField(SkBuffContext.VLAN_TCI, tag[0]);
        s.setField(SkBuffContext.VLAN_PROTO, Short.toUnsignedInt(Short.reverseBytes((short) outer)));
        return 0;
    }

    private static boolean isVlan(int etherType) {
        return etherType == ETH_P_8021Q || etherType == ETH_P_8021AD;
    }

    /** Removes the tag after the MAC addresses; {tci}, or null for a packet too short. */
    private static int[] popTag(Machine m, SkBuffContext.Skb s) {
        byte[] p = s.packet();
        if (p.length < ETH_HLEN + VLAN_HLEN) {
            return null;
        }
        int tci = (p[14] & 0xff) << 8 | (p[15] & 0xff);
        int inner = (p[16] & 0xff) << 8 | (p[17] & 0xff);
        s.replacePacket(m, remove(p, 12, VLAN_HLEN));
        setProtocol(s, inner);
        return new int[] {tci};
    }

    /**
     * bpf_skb_adjust_room (50): inserts (zeros) or removes {@code |lenDiff|} bytes after the MAC
     * header (BPF_ADJ_ROOM_MAC) or after the IPv4/IPv6 base header (BPF_ADJ_ROOM_NET), with the
     * kernel's checks: -EINVAL for unknown flags, -EFAULT for more than 4095 bytes, -ENOTSUPP (524)
     * for a protocol other than IPv4/IPv6, an unknown mode, or a shrink into the network header.
     * Encapsulation flags are accepted; the metadata they set is not modelled.
     */
    public static long adjustRoom(Machine m, long ctx, long lenDiff, long mode, long flags, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null || (flags & ~ADJ_ROOM_MASK) != 0) {
            return -Errno.EINVAL;
        }
        int diff = (int) lenDiff;
        int abs = Math.abs(diff);
        boolean shrink = diff < 0;
        if (abs > 0xfff) {
            return -Errno.EFAULT;
        }
        int proto = protocol(s);
        if (proto != ETH_P_IP && proto != ETH_P_IPV6) {
            return -Errno.ENOTSUPP;
        }
        int base = proto == ETH_P_IP ? 20 : 40;
        int off = ETH_HLEN;
        switch ((int) mode) {
            case ADJ_ROOM_NET -> off += base;
            case ADJ_ROOM_MAC -> {
            }
            default -> {
                return -Errno.ENOTSUPP;
            }
        }
        if ((flags & ADJ_ROOM_DECAP_L3) != 0 && !shrink) {
            return -Errno.EINVAL;
        }
        byte[] p = s.packet();
        int cur = p.length - ETH_HLEN;
        if (shrink && (abs >= cur || cur - abs < base) || !shrink && p.length + abs > SkBuffContext.MAX_LEN) {
            return -Errno.ENOTSUPP;
        }
        if (off + (shrink ? abs : 0) > p.length) {
            return -Errno.EFAULT;
        }
        s.replacePacket(m, shrink ? remove(p, off, abs) : insert(p, off, abs));
        return 0;
    }

    /** bpf_csum_update (40): the packet is never CHECKSUM_COMPLETE here, so -ENOTSUPP (524) as the kernel says. */
    public static long csumUpdate(Machine m, long ctx, long csum, long r3, long r4, long r5) {
        return -Errno.ENOTSUPP;
    }

    /**
     * bpf_get_hash_recalc (34): {@code skb->hash}; when it is 0, a flow hash of the packet
     * (jhash of the IPv4/IPv6 addresses, protocol and ports, as stable as the kernel's per boot)
     * is computed and stored in {@code hash}. Set {@code hash} in the context to choose it.
     */
    public static long hashRecalc(Machine m, long ctx, long r2, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null) {
            return 0;
        }
        int h = s.field(SkBuffContext.HASH);
        if (h == 0) {
            h = FlowHash.of(s.packet());
            s.setField(SkBuffContext.HASH, h);
        }
        return Integer.toUnsignedLong(h);
    }

    /** bpf_set_hash_invalid (41): clears {@code hash}, so get_hash_recalc computes it again. */
    public static long setHashInvalid(Machine m, long ctx, long r2, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s != null) {
            s.setField(SkBuffContext.HASH, 0);
        }
        return 0;
    }

    /** bpf_set_hash (48): sets {@code hash}. */
    public static long setHash(Machine m, long ctx, long hash, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s != null) {
            s.setField(SkBuffContext.HASH, (int) hash);
        }
        return 0;
    }

    /**
     * bpf_get_socket_cookie (46): the cookie of the packet's socket ({@code SkBuffContext}'s
     * socketCookie, 0 for none), or for other contexts the model's socket cookie.
     */
    public static long socketCookie(KernelModel k, Machine m, long ctx, long r2, long r3, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        return s != null ? s.socketCookie() : k.socketCookie();
    }

    /** The sizes of {@code struct bpf_tunnel_key} the kernel accepts: whole, and its older layouts. */
    private static boolean tunnelKeySize(long n) {
        return n == BPF_TUNNEL_KEY_SIZE || n == TUNNEL_KEY_SIZE_NO_LOCAL || n == TUNNEL_KEY_SIZE_OLD
                || n == TUNNEL_KEY_SIZE_NO_LABEL || n == TUNNEL_KEY_SIZE_IPV4_ONLY;
    }

    /**
     * bpf_skb_get_tunnel_key (20): the packet's tunnel key ({@link SkBuffContext.Skb#tunnel()}: the
     * one it arrived with, settable with {@code SkBuffContext.Builder.tunnelKey}, or the one a
     * program set), cut to the size asked (44, or the older 28, 24, 22, and 8 for IPv4);
     * with BPF_F_TUNINFO_FLAGS the tunnel flags in tunnel_ext. -EINVAL and a zeroed buffer for a
     * packet without tunnel metadata, unknown flags or sizes; -EPROTO when BPF_F_TUNINFO_IPV6 is
     * not the tunnel's family.
     */
    public static long getTunnelKey(Machine m, long ctx, long to, long size, long flags, long r5) {
        long n = Mem.u32(size);
        Mem.require(m.memory(), to, n, true, "skb_get_tunnel_key");
        SkBuffContext.Skb s = skb(m, ctx);
        SkBuffContext.Skb.Tunnel t = s == null ? null : s.tunnel();
        int err = 0;
        if (t == null || (flags & ~(TUNINFO_IPV6 | TUNINFO_FLAGS)) != 0) {
            err = -Errno.EINVAL;
        } else if (((flags & TUNINFO_IPV6) != 0) != t.ipv6()) {
            err = -Errno.EPROTO;
        } else if (!tunnelKeySize(n) || n == TUNNEL_KEY_SIZE_IPV4_ONLY && t.ipv6()) {
            err = -Errno.EINVAL;
        }
        byte[] out = new byte[(int) n];
        if (err == 0) {
            byte[] key = t.key().clone();
            if ((flags & TUNINFO_FLAGS) != 0) {
                key[22] = (byte) (t.flags() >> 8);
                key[23] = (byte) t.flags();
            }
            System.arraycopy(key, 0, out, 0, (int) n);
        }
        m.memory().write(to, out, 0, out.length);
        return err;
    }

    private static final int TUNNEL_KEY_SIZE_NO_LABEL = 22;
    private static final int TUNNEL_KEY_SIZE_IPV4_ONLY = 8;
    /** The tunnel flags bpf_skb_set_tunnel_key sets (TUNNEL_CSUM, TUNNEL_KEY, TUNNEL_NOCACHE) and the others. */
    private static final int TUNNEL_CSUM = 0x01;
    private static final int TUNNEL_KEY = 0x04;
    private static final int TUNNEL_SEQ = 0x08;
    private static final int TUNNEL_DONT_FRAGMENT = 0x100;
    private static final int TUNNEL_NOCACHE = 0x2000;
    /** TUNNEL_GENEVE_OPT, _VXLAN_OPT, _ERSPAN_OPT, _GTP_OPT: "options present". */
    private static final int TUNNEL_OPTIONS_PRESENT = 0x0800 | 0x1000 | 0x4000 | 0x8000;
    private static final long ZERO_CSUM_TX = 1 << 1;
    private static final long DONT_FRAGMENT = 1 << 2;
    private static final long SEQ_NUMBER = 1 << 3;
    private static final long NO_TUNNEL_KEY = 1 << 4;

    /**
     * bpf_skb_set_tunnel_key (21): the key becomes the packet's transmit tunnel metadata (kept
     * as {@code SkBuffContext.Skb.txTunnelKey}, recorded as an effect) and what later gets read, as
     * the kernel's info holds it: remote and local addresses as destination and source, an IPv4
     * tunnel without label, an IPv6 label cut to 20 bits. -EINVAL for unknown flags or sizes, a
     * tunnel_ext other than 0, or a label on an IPv4 tunnel.
     */
    public static long setTunnelKey(KernelModel k, Machine m, long ctx, long from, long size, long flags, long r5) {
        long n = Mem.u32(size);
        byte[] key = Mem.read(m.memory(), from, n, "skb_set_tunnel_key");
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null || (flags & ~SET_TUNNEL_FLAGS) != 0 || !tunnelKeySize(n)) {
            return -Errno.EINVAL;
        }
        byte[] full = Arrays.copyOf(key, BPF_TUNNEL_KEY_SIZE);
        boolean ipv6 = (flags & TUNINFO_IPV6) != 0;
        int label = le32(full, 24);
        if (!ipv6 && label != 0 || full[22] != 0 || full[23] != 0) {
            return -Errno.EINVAL;
        }
        byte[] view = new byte[BPF_TUNNEL_KEY_SIZE];
        System.arraycopy(full, 0, view, 0, 4);
        view[20] = full[20];
        view[21] = full[21];
        if (ipv6) {
            System.arraycopy(full, 28, view, 4, 16);
            System.arraycopy(full, 4, view, 28, 16);
            int l = label & 0xfffff;
            view[24] = (byte) l;
            view[25] = (byte) (l >> 8);
            view[26] = (byte) (l >> 16);
        } else {
            System.arraycopy(full, 28, view, 4, 4);
            System.arraycopy(full, 4, view, 28, 4);
        }
        int tunFlags = TUNNEL_KEY | TUNNEL_CSUM | TUNNEL_NOCACHE;
        if ((flags & DONT_FRAGMENT) != 0) {
            tunFlags |= TUNNEL_DONT_FRAGMENT;
        }
        if ((flags & ZERO_CSUM_TX) != 0) {
            tunFlags &= ~TUNNEL_CSUM;
        }
        if ((flags & SEQ_NUMBER) != 0) {
            tunFlags |= TUNNEL_SEQ;
        }
        if ((flags & NO_TUNNEL_KEY) != 0) {
            tunFlags &= ~TUNNEL_KEY;
        }
        s.setTxTunnelKey(full);
        s.setTunnel(new SkBuffContext.Skb.Tunnel(view, ipv6, tunFlags, null));
        k.record("skb_set_tunnel_key", "tunnel_id " + Integer.toUnsignedString(le32(full, 0)) + " flags 0x"
                + Long.toHexString(flags));
        return 0;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    /**
     * bpf_skb_get_tunnel_opt (29): copies the packet's tunnel options (those it arrived with,
     * settable with {@code SkBuffContext.Builder.tunnelOptions}, or those a program set) and
     * returns their length; -ENOENT without, -ENOMEM when they do not fit; the rest zeroed.
     */
    public static long getTunnelOpt(Machine m, long ctx, long to, long size, long r4, long r5) {
        long n = Mem.u32(size);
        Mem.require(m.memory(), to, n, true, "skb_get_tunnel_opt");
        SkBuffContext.Skb s = skb(m, ctx);
        SkBuffContext.Skb.Tunnel t = s == null ? null : s.tunnel();
        byte[] opt = t == null ? null : t.options();
        int err = opt == null ? -Errno.ENOENT : opt.length > n ? -Errno.ENOMEM : 0;
        byte[] out = new byte[(int) n];
        if (err == 0) {
            System.arraycopy(opt, 0, out, 0, opt.length);
        }
        m.memory().write(to, out, 0, out.length);
        return err == 0 ? opt.length : err;
    }

    /**
     * bpf_skb_set_tunnel_opt (30): sets transmit tunnel options, after set_tunnel_key in the same
     * run; -EINVAL before it or for a size not a multiple of 4, -ENOMEM over 255 bytes.
     */
    public static long setTunnelOpt(KernelModel k, Machine m, long ctx, long from, long size, long r4, long r5) {
        long n = Mem.u32(size);
        byte[] opt = Mem.read(m.memory(), from, n, "skb_set_tunnel_opt");
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null || s.txTunnelKey() == null || (n & 3) != 0) {
            return -Errno.EINVAL;
        }
        if (n > IP_TUNNEL_OPTS_MAX) {
            return -Errno.ENOMEM;
        }
        s.setTxTunnelOptions(opt);
        SkBuffContext.Skb.Tunnel t = s.tunnel();
        s.setTunnel(new SkBuffContext.Skb.Tunnel(t.key(), t.ipv6(), t.flags() | TUNNEL_OPTIONS_PRESENT, opt));
        k.record("skb_set_tunnel_opt", n + " bytes");
        return 0;
    }

    /**
     * bpf_clone_redirect (13): a clone of the packet goes to {@code ifindex} (every ifindex is a
     * device here): recorded as an effect, 0; -EINVAL for flags other than BPF_F_INGRESS.
     */
    public static long cloneRedirect(KernelModel k, Machine m, long ctx, long ifindex, long flags, long r4, long r5) {
        SkBuffContext.Skb s = skb(m, ctx);
        if (s == null || (flags & ~Xdp.BPF_F_INGRESS) != 0) {
            return -Errno.EINVAL;
        }
        k.record("clone_redirect", "ifindex " + (ifindex & 0xffff_ffffL) + ((flags & Xdp.BPF_F_INGRESS) != 0
                ? " ingress" : " egress") + ", " + s.packet().length + " bytes");
        s.replacePacket(m, s.packet());
        return 0;
    }
}
