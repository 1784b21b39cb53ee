package dev.jvmbpf.helpers.internal;

import dev.jvmbpf.helpers.context.SkBuffContext;

/**
 * The kernel's jhash2 (include/linux/jhash.h) and a flow hash built on it: the kernel hashes a
 * packet's flow keys with a per-boot random seed (siphash), so no value is "the" kernel's; this
 * one is stable (seed 0), never 0 (as {@code __flow_hash_from_keys} makes it), and the same for
 * both packets of one direction of a flow.
 */
public final class FlowHash {
    private static final int JHASH_INITVAL = 0xdeadbeef;
    private static final int ETH_HLEN = SkBuffContext.ETH_HLEN;

    private FlowHash() {
    }

    /** jhash2 of {@code k} with {@code initval}. */
    public static int jhash2(int[] k, int initval) {
        int length = k.length;
        int a = JHASH_INITVAL + (length << 2) + initval;
        int b = a;
        int c = a;
        int i = 0;
        while (length > 3) {
            a += k[i];
            b += k[i + 1];
            c += k[i + 2];
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 3;
            i += 3;
        }
        if (length == 0) {
            return c;
        }
        if (length == 3) {
            c += k[i + 2];
        }
        if (length >= 2) {
            b += k[i + 1];
        }
        a += k[i];
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /**
     * The flow hash of an Ethernet frame: jhash2 of the source and destination addresses, the L4
     * protocol and the first four bytes after the IP header (the ports of TCP and UDP) for IPv4
     * and IPv6; of the EtherType otherwise. Never 0.
     */
    public static int of(byte[] p) {
        int[] words;
        int type = p.length >= ETH_HLEN ? (p[12] & 0xff) << 8 | (p[13] & 0xff) : 0;
        if (type == 0x0800 && p.length >= ETH_HLEN + 20) {
            int ihl = (p[ETH_HLEN] & 0xf) * 4;
            words = new int[] {be32(p, ETH_HLEN + 12), be32(p, ETH_HLEN + 16), p[ETH_HLEN + 9] & 0xff,
                    be32(p, ETH_HLEN + ihl)};
        } else if (type == 0x86dd && p.length >= ETH_HLEN + 40) {
            words = new int[10];
            for (int i = 0; i < 8; i++) {
                words[i] = be32(p, ETH_HLEN + 8 + 4 * i);
            }
            words[8] = p[ETH_HLEN + 6] & 0xff;
            words[9] = be32(p, ETH_HLEN + 40);
        } else {
            words = new int[] {type};
        }
        int h = jhash2(words, 0);
        return h == 0 ? 1 : h;
    }

    /** The big-endian word at {@code i}, 0 past the end. */
    private static int be32(byte[] p, int i) {
        int v = 0;
        for (int j = 0; j < 4; j++) {
            v = v << 8 | (i + j < p.length ? p[i + j] & 0xff : 0);
        }
        return v;
    }
}
