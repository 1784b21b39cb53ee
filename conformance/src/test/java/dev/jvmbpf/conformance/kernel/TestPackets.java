package dev.jvmbpf.conformance.kernel;

import java.util.HexFormat;
import java.util.List;

/**
 * The frames the packet differential tests feed to every engine and the kernel. The destination
 * is a unicast address: the kernel sets tc's pkt_type from it.
 */
final class TestPackets {
    private static final HexFormat HEX = HexFormat.of();

    /** IPv4/UDP from 10.0.0.1, IPv4/TCP from 10.0.0.9 and an ARP frame: for every packet program. */
    static final List<byte[]> FRAMES = List.of(
            HEX.parseHex("020000000001001122334455080045000024000000004011000" + "00a0000010a000002"
                    + "303900350010000068656c6c6f000000"),
            HEX.parseHex("020000000001001122334455080045000028000000004006000" + "00a0000090a000002"
                    + "1f900050000000010000000050020000000000000000"),
            HEX.parseHex("0200000000010011223344550806" + "0001080006040001001122334455" + "0a000001000000000000"
                    + "0a000002"));

    /** A bare Ethernet header: XDP only, as the kernel refuses skb test runs without a network header. */
    static final byte[] ETHERNET_ONLY = HEX.parseHex("0200000000010011223344550800");

    private TestPackets() {
    }
}
