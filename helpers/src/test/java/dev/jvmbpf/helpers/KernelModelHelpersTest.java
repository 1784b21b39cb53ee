package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.helpers.internal.Task;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.program.ProgramType;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The helpers whose effect lives in the kernel, on a {@link KernelModel}. */
class KernelModelHelpersTest {
    private final KernelModel model = new KernelModel();

    private Harness harness(ProgramType type, BpfMap... maps) {
        return new Harness(type, StandardHelpers.table(model), maps);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void redirectMapRedirectsToPresentKeysAndOtherwiseReturnsTheFlagsAction() {
        BpfMap devmap = Maps.create(new MapSpec("tx_port", MapType.DEVMAP, 4, 4, 8, 0));
        devmap.update(u32(1), u32(5), 0);
        Harness h = harness(ProgramType.XDP, devmap);
        long map = Machine.mapHandle(0);
        assertEquals(4, h.call(51, map, 1, 0), "XDP_REDIRECT");
        assertEquals(0, h.call(51, map, 2, 0), "a miss: the flags' action, XDP_ABORTED");
        assertEquals(2, h.call(51, map, 2, 2), "a miss with XDP_PASS in the flags");
        assertEquals(0, h.call(51, map, 1, 1L << 6), "unknown flags abort");
        assertEquals(4, h.call(51, map, 7, 1L << 3), "BPF_F_BROADCAST");
        assertEquals("redirect_map: tx_port key 1", model.effects().get(0).toString());
    }

    private static byte[] fibParams(int family, byte[] dst, int totLen) {
        byte[] p = new byte[64];
        p[0] = (byte) family;
        le(p).putShort(6, (short) totLen);
        System.arraycopy(dst, 0, p, 32, dst.length);
        return p;
    }

    @Test
    void fibLookupIsNotForwardedWithoutARouteAndFillsTheRoutesMacs() throws Exception {
        Harness h = harness(ProgramType.XDP);
        long ctx = XdpContext.of(new byte[60]).install(h.machine).r1();
        byte[] dst = InetAddress.getByName("10.1.2.3").getAddress();
        byte[] p = fibParams(2, dst, 100);
        long params = h.mem(p);
        assertEquals(KernelModel.FIB_NOT_FORWARDED, h.call(69, ctx, params, 64, 0));
        byte[] smac = {1, 2, 3, 4, 5, 6};
        byte[] dmac = {7, 8, 9, 10, 11, 12};
        model.route(InetAddress.getByName("10.0.0.0"), 8, 3, new byte[6], new byte[6])
                .route(InetAddress.getByName("10.1.0.0"), 16, 4, smac, dmac);
        assertEquals(0, h.call(69, ctx, params, 64, 0));
        assertEquals(4, le(p).getInt(8), "the longest prefix's ifindex");
        assertArrayEquals(smac, Arrays.copyOfRange(p, 52, 58));
        assertArrayEquals(dmac, Arrays.copyOfRange(p, 58, 64));
        byte[] big = fibParams(2, dst, 1600);
        long b = h.mem(big);
        assertEquals(5, h.call(69, ctx, b, 64, 0), "BPF_FIB_LKUP_RET_FRAG_NEEDED");
        assertEquals(1500, le(big).getShort(6), "mtu_result");
        assertEquals(-22, h.call(69, ctx, params, 63, 0), "short params");
        assertEquals(-22, h.call(69, ctx, params, 64, 1L << 6), "unknown flag");
        assertEquals(-97, h.call(69, ctx, h.mem(fibParams(7, dst, 0)), 64, 0), "-EAFNOSUPPORT");
        byte[] v6 = fibParams(10, InetAddress.getByName("fd00::1").getAddress(), 0);
        assertEquals(KernelModel.FIB_NOT_FORWARDED, h.call(69, ctx, h.mem(v6), 64, 0));
    }

    @Test
    void checkMtuComparesWithTheModelsMtu() {
        Harness h = harness(ProgramType.SCHED_CLS);
        long ctx = SkBuffContext.of(new byte[1514]).install(h.machine).r1();
        byte[] mtu = new byte[4];
        long at = h.mem(mtu);
        assertEquals(0, h.call(163, ctx, 0, at, 0, 0), "1514 bytes fit 1500 + 14");
        assertEquals(1500, le(mtu).getInt(0));
        le(mtu).putInt(0, 0);
        assertEquals(1, h.call(163, ctx, 0, at, 1, 0), "one byte more does not");
        model.mtu(9000);
        le(mtu).putInt(0, 8000);
        assertEquals(0, h.call(163, ctx, 0, at, 0, 0), "*mtu_len as the length");
        assertEquals(9000, le(mtu).getInt(0));
        assertEquals(-22, h.call(163, ctx, 0, at, 0, 2));
    }

    @Test
    void redirectNeighAndPeerGiveTcRedirect() {
        Harness h = harness(ProgramType.SCHED_CLS);
        assertEquals(7, h.call(152, 4, 0, 0, 0));
        assertEquals(2, h.call(152, 4, h.readOnly(new byte[8]), 8, 0), "params shorter than bpf_redir_neigh");
        assertEquals(7, h.call(155, 5, 0));
        assertEquals(2, h.call(155, 5, 1));
        assertEquals("[redirect_neigh: ifindex 4, redirect_peer: ifindex 5]", model.effects().toString());
    }

    @Test
    void netnsCookieAndFuncIpAreSettable() {
        Harness h = harness(ProgramType.KPROBE);
        assertEquals(1, h.call(122, 0));
        assertEquals(0, h.call(173, 0));
        model.netnsCookie(4096).funcIp(0xffffffff81000000L);
        assertEquals(4096, h.call(122, 0));
        assertEquals(0xffffffff81000000L, h.call(173, 0));
    }

    @Test
    void socketOptionsSetAreReadBack() {
        Harness h = harness(ProgramType.RAW);
        long ctx = h.mem(new byte[64]);
        byte[] out = new byte[4];
        Arrays.fill(out, (byte) 9);
        assertEquals(-22, h.call(57, ctx, 6, 13, h.mem(out), 4), "never set");
        assertArrayEquals(new byte[4], out);
        assertEquals(0, h.call(49, ctx, 6, 13, h.readOnly(u32(1)), 4));
        assertEquals(0, h.call(57, ctx, 6, 13, h.mem(out), 4));
        assertArrayEquals(u32(1), out);
        assertArrayEquals(u32(1), model.socketOption(6, 13));
    }

    @Test
    void sockMapUpdateInsertsTheModelsSocket() {
        BpfMap sockmap = Maps.create(new MapSpec("socks", MapType.SOCKMAP, 4, 8, 4, 0));
        Harness h = harness(ProgramType.RAW, sockmap);
        long ctx = h.mem(new byte[64]);
        long key = h.readOnly(u32(1));
        assertEquals(-95, h.call(53, ctx, Machine.mapHandle(0), key, 0), "-EOPNOTSUPP: no socket");
        model.socketCookie(42);
        assertEquals(0, h.call(53, ctx, Machine.mapHandle(0), key, 0));
        assertEquals(42, le(sockmap.lookupValue(u32(1))).getLong(0));
        assertEquals(-22, h.call(53, ctx, Machine.mapHandle(0), key, 3));
        assertEquals(-17, h.call(70, ctx, Machine.mapHandle(0), key, 1), "BPF_NOEXIST on a present key");
    }

    @Test
    void socketLookupsFindNoSocket() {
        Harness h = harness(ProgramType.SCHED_CLS);
        long ctx = SkBuffContext.of(new byte[60]).install(h.machine).r1();
        long tuple = h.readOnly(new byte[12]);
        for (int id : new int[] {84, 85, 99}) {
            assertEquals(0, h.call(id, ctx, tuple, 12, -1, 0));
        }
        assertEquals(0, h.call(86, 0));
        assertEquals(0, h.call(95, 0x1000));
        assertEquals(-22, h.call(124, ctx, 0, 0), "sk_assign without a socket");
        assertEquals(0, h.call(59, ctx, 0x7f), "every flag the kernel knows");
        assertEquals(0x80, h.call(59, ctx, 0xff), "the flags the kernel does not know come back");
    }

    @Test
    void underCgroupComparesTheSlotWithTheTasksCgroup() {
        BpfMap cgroups = Maps.create(new MapSpec("cgroups", MapType.CGROUP_ARRAY, 4, 4, 2, 0));
        Harness h = harness(ProgramType.KPROBE, cgroups);
        long map = Machine.mapHandle(0);
        assertEquals(-11, h.call(37, map, 0), "-EAGAIN: an empty slot");
        assertEquals(-7, h.call(37, map, 2), "-E2BIG");
        long mine = Task.cgroupId(h.machine, 0, 0, 0, 0, 0);
        cgroups.update(u32(0), u32((int) mine), 0);
        cgroups.update(u32(1), u32((int) mine + 1), 0);
        if (mine != 0 && mine < 1L << 32) {
            assertEquals(1, h.call(37, map, 0));
        }
        assertEquals(0, h.call(37, map, 1));
        Harness tc = harness(ProgramType.SCHED_CLS, cgroups);
        long ctx = SkBuffContext.of(new byte[60]).install(tc.machine).r1();
        assertEquals(-2, tc.call(33, ctx, map, 0), "-ENOENT: the packet has no socket");
    }

    @Test
    void getStackCopiesTheModelsStackAndGetStackidStoresIt() {
        BpfMap stacks = Maps.create(new MapSpec("stacks", MapType.STACK_TRACE, 4, 8 * 4, 64, 0));
        Harness h = harness(ProgramType.KPROBE, stacks);
        long ctx = h.mem(new byte[168]);
        byte[] buf = new byte[32];
        Arrays.fill(buf, (byte) 1);
        assertEquals(0, h.call(67, ctx, h.mem(buf), 32, 0), "an empty stack");
        assertArrayEquals(new byte[32], buf);
        assertEquals(-14, h.call(27, ctx, Machine.mapHandle(0), 0), "get_stackid of an empty stack: -EFAULT");
        model.kernelStack(0xffff0001L, 0xffff0002L, 0xffff0003L).userStack(0x401000L);
        assertEquals(16, h.call(67, ctx, h.mem(buf), 32, 1), "skipping one frame");
        assertEquals(0xffff0002L, le(buf).getLong(0));
        assertEquals(0xffff0003L, le(buf).getLong(8));
        assertEquals(8, h.call(67, ctx, h.mem(buf), 32, 1 << 8), "BPF_F_USER_STACK");
        assertEquals(0x401000L, le(buf).getLong(0));
        assertEquals(-22, h.call(67, ctx, h.mem(buf), 30, 0), "not a multiple of 8");
        byte[] build = new byte[32];
        assertEquals(32, h.call(67, ctx, h.mem(build), 32, 1 << 8 | 1 << 11));
        assertEquals(2, le(build).getInt(0), "BPF_STACK_BUILD_ID_IP");
        assertEquals(0x401000L, le(build).getLong(24));
        long id = h.call(27, ctx, Machine.mapHandle(0), 0);
        assertTrue(id >= 0 && id < 64, "an id among the buckets: " + id);
        assertEquals(id, h.call(27, ctx, Machine.mapHandle(0), 0), "the same stack, the same id");
        byte[] stored = stacks.lookupValue(u32((int) id));
        assertEquals(0xffff0001L, le(stored).getLong(0));
        assertEquals(0, le(stored).getLong(24), "zero after the stack");
        assertEquals(-22, h.call(27, ctx, Machine.mapHandle(0), 1L << 11));
    }

    @Test
    void perfCountersAreTheModels() {
        BpfMap perf = Maps.create(new MapSpec("counters", MapType.PERF_EVENT_ARRAY, 4, 4, 4, 0));
        Harness h = harness(ProgramType.KPROBE, perf);
        long map = Machine.mapHandle(0);
        assertEquals(-2, h.call(22, map, 1), "-ENOENT: no event in the slot");
        assertEquals(-7, h.call(22, map, 9), "-E2BIG");
        assertEquals(-22, h.call(22, map, 1L << 32));
        model.perfCounter(1, 1000, 20, 10);
        assertEquals(1000, h.call(22, map, 1));
        byte[] v = new byte[24];
        assertEquals(0, h.call(55, map, 1, h.mem(v), 24));
        assertEquals(1000, le(v).getLong(0));
        assertEquals(20, le(v).getLong(8));
        assertEquals(10, le(v).getLong(16));
        assertEquals(-22, h.call(55, map, 1, h.mem(new byte[16]), 16));
        assertEquals(-2, h.call(55, map, 2, h.mem(v), 24));
        assertArrayEquals(new byte[24], v, "zeroed on error");
        model.attachedPerfValue(5, 6, 7);
        assertEquals(0, h.call(56, h.mem(new byte[8]), h.mem(v), 24));
        assertEquals(5, le(v).getLong(0));
    }

    @Test
    void overrideReturnIsRecordedAndFindVmaFindsNothing() {
        Harness h = harness(ProgramType.KPROBE);
        assertEquals(0, h.call(58, h.mem(new byte[168]), -12));
        assertEquals("override_return: -12", model.effects().get(0).toString());
        assertEquals(-2, h.call(180, 0, 0x1000, 0, 0, 0));
        assertEquals(-22, h.call(180, 0, 0x1000, 0, 0, 1));
        assertEquals(0, h.call(158));
        byte[] dst = new byte[4];
        assertEquals(0, h.call(191, h.mem(dst), 4, h.readOnly(new byte[] {1, 2, 3, 4}), 0, 0));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, dst);
        assertEquals(-22, h.call(191, h.mem(dst), 4, 0, 0, 1));
    }
}
