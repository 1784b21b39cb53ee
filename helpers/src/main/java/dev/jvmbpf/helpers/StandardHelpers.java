package dev.jvmbpf.helpers;

import static dev.jvmbpf.runtime.exec.ArgType.ANYTHING;
import static dev.jvmbpf.runtime.exec.ArgType.CONST_MAP_PTR;
import static dev.jvmbpf.runtime.exec.ArgType.CONST_SIZE;
import static dev.jvmbpf.runtime.exec.ArgType.CONST_SIZE_OR_ZERO;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_ALLOC_MEM;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_CONST_STR;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_CTX;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_FUNC;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_MAP_KEY;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_MAP_VALUE;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_MEM;
import static dev.jvmbpf.runtime.exec.ArgType.PTR_TO_UNINIT_MEM;

import dev.jvmbpf.helpers.internal.Buffers;
import dev.jvmbpf.helpers.internal.Control;
import dev.jvmbpf.helpers.internal.Dynptrs;
import dev.jvmbpf.helpers.internal.Locks;
import dev.jvmbpf.helpers.internal.Maps;
import dev.jvmbpf.helpers.internal.Net;
import dev.jvmbpf.helpers.internal.Packets;
import dev.jvmbpf.helpers.internal.Printing;
import dev.jvmbpf.helpers.internal.Probe;
import dev.jvmbpf.helpers.internal.SkbHelpers;
import dev.jvmbpf.helpers.internal.Strings;
import dev.jvmbpf.helpers.internal.Task;
import dev.jvmbpf.helpers.internal.Timers;
import dev.jvmbpf.helpers.internal.Tracing;
import dev.jvmbpf.helpers.internal.Xdp;
import dev.jvmbpf.runtime.exec.ArgType;
import dev.jvmbpf.runtime.exec.Helper;
import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.verifier.HelperIds;
import java.util.ArrayList;
import java.util.List;

/**
 * The helpers jvmbpf implements, with the kernel's ids, names and argument types. Where the
 * kernel's prototype uses an argument kind the verifier here has no name for (a pointer to a
 * fixed-size long, an allocation size, a stack pointer that may be NULL), the argument is
 * declared {@link ArgType#ANYTHING} and the helper checks it at run time, faulting on bad memory.
 *
 * <p>Extend with your own: {@code StandardHelpers.table().with(new HelperSpec(...))}, or
 * {@link HelperTableBuilder}.
 *
 * <p>Engines: helper 12 ({@code tail_call}) throws {@link dev.jvmbpf.runtime.exec.TailCall};
 * helpers 164 and 181 call back through {@link dev.jvmbpf.runtime.exec.CallbackInvoker}.
 */
public final class StandardHelpers {
    public static final int MAP_LOOKUP_ELEM = HelperIds.MAP_LOOKUP_ELEM;
    public static final int TRACE_PRINTK = 6;
    public static final int TAIL_CALL = 12;
    public static final int GET_CURRENT_PID_TGID = 14;
    public static final int FOR_EACH_MAP_ELEM = HelperIds.FOR_EACH_MAP_ELEM;
    public static final int TRACE_VPRINTK = 177;
    public static final int LOOP = HelperIds.LOOP;
    public static final int USER_RINGBUF_DRAIN = HelperIds.USER_RINGBUF_DRAIN;
    /** bpf_loop's implementation in {@link #table()}: engines that run such loops themselves look for it. */
    private static final Helper BPF_LOOP = Control::loop;
    /** map_lookup_elem's implementation in {@link #table()}. */
    private static final Helper MAP_LOOKUP = Maps::lookup;
    /** The most iterations bpf_loop runs; more gives -E2BIG: the kernel's BPF_MAX_LOOPS, {@link Alu#MAX_LOOPS}. */
    public static final long LOOP_MAX_ITERATIONS = Alu.MAX_LOOPS;

    private static final KernelModel DEFAULT_MODEL = KernelModel.defaults();
    private static final HelperTable TABLE = HelperTable.of(specs());

    private StandardHelpers() {
    }

    /**
     * Whether {@code spec} is this runtime's bpf_loop ({@link Control#loop}), whose behaviour an
     * engine may then reproduce inline: flags other than 0 give -EINVAL, more than
     * {@link #LOOP_MAX_ITERATIONS} iterations (of the low 32 bits of r1) -E2BIG, otherwise the
     * callback runs with (i, ctx, 0, 0, 0) one frame deeper for i = 0, 1, ... until it returns
     * non-zero (the result is then i + 1) or the count is reached (the result is the count).
     */
    public static boolean isBpfLoop(HelperSpec spec) {
        return spec != null && spec.implementation() == BPF_LOOP;
    }

    /**
     * Whether {@code spec} is this runtime's bpf_map_lookup_elem: it reads the key the size of the
     * map's keys from r2, faulting as a load would, and returns the address of the value's region
     * registered for the run, or 0 when there is none.
     */
    public static boolean isMapLookup(HelperSpec spec) {
        return spec != null && spec.implementation() == MAP_LOOKUP;
    }

    /** Every standard helper, on the default {@link KernelModel}; immutable and shared. */
    public static HelperTable table() {
        return TABLE;
    }

    /**
     * Every standard helper, those whose effect lives in the kernel working on {@code model}: its
     * routes, counters, stacks and cookies are their inputs, and their effects are recorded there.
     */
    public static HelperTable table(KernelModel model) {
        return HelperTable.of(specs(model));
    }

    /**
     * The standard helpers as a list, in id order, each with the kernel's properties (Linux 6.18):
     * {@link HelperSpec#changesPacket} for the helpers in {@code bpf_helper_changes_pkt_data}
     * (net/core/filter.c; tail_call among them since 6.13, as the program it jumps to may move the
     * packet), {@link HelperSpec#gplOnly} for those whose {@code bpf_func_proto} has
     * {@code gpl_only = true}, {@link HelperSpec#packetAccess} for those whose has
     * {@code pkt_access = true}.
     */
    public static List<HelperSpec> specs() {
        return specs(DEFAULT_MODEL);
    }

    /**
     * {@link #specs()} with the helpers whose effect lives in the kernel working on {@code model}
     * (see the table in the package documentation).
     */
    public static List<HelperSpec> specs(KernelModel model) {
        KernelModel k = java.util.Objects.requireNonNull(model, "kernel model");
        List<HelperSpec> l = new ArrayList<>();
        l.add(spec(MAP_LOOKUP_ELEM, MAP_LOOKUP, CONST_MAP_PTR, PTR_TO_MAP_KEY).withPacketAccess());
        l.add(spec(2, Maps::update, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING).withPacketAccess());
        l.add(spec(3, Maps::delete, CONST_MAP_PTR, PTR_TO_MAP_KEY).withPacketAccess());
        l.add(spec(4, Probe::read, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        add(l, 5, Task::ktimeNs);
        l.add(spec(6, Printing::tracePrintk, PTR_TO_MEM, CONST_SIZE).withGplOnly());
        add(l, 7, Task::prandomU32);
        add(l, 8, Task::smpProcessorId);
        l.add(spec(9, Packets::skbStoreBytes, PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE, ANYTHING)
                .withChangesPacket());
        l.add(spec(10, Packets::l3CsumReplace, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING).withChangesPacket());
        l.add(spec(11, Packets::l4CsumReplace, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING).withChangesPacket());
        l.add(spec(12, Control::tailCall, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING).withChangesPacket());
        add(l, 14, Task::pidTgid);
        add(l, 15, Task::uidGid);
        add(l, 16, Task::comm, PTR_TO_UNINIT_MEM, CONST_SIZE);
        add(l, 23, Xdp::redirect, ANYTHING, ANYTHING);
        l.add(spec(25, Buffers::perfEventOutput, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO)
                .withGplOnly());
        add(l, 26, Packets::skbLoadBytes, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE);
        l.add(spec(28, Packets::csumDiff, PTR_TO_MEM, CONST_SIZE_OR_ZERO, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING)
                .withPacketAccess());
        l.add(spec(35, Task::currentTask).withGplOnly());
        l.add(spec(36, Probe::writeUser, ANYTHING, PTR_TO_MEM, CONST_SIZE).withGplOnly());
        add(l, 42, Task::numaNodeId);
        l.add(spec(44, Xdp::adjustHead, PTR_TO_CTX, ANYTHING).withChangesPacket());
        l.add(spec(45, Probe::readStr, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        l.add(spec(54, Xdp::adjustMeta, PTR_TO_CTX, ANYTHING).withChangesPacket());
        l.add(spec(65, Xdp::adjustTail, PTR_TO_CTX, ANYTHING).withChangesPacket());
        add(l, 80, Task::cgroupId);
        l.add(spec(87, Maps::push, CONST_MAP_PTR, PTR_TO_MAP_VALUE, ANYTHING).withPacketAccess());
        add(l, 88, Maps::pop, CONST_MAP_PTR, PTR_TO_MAP_VALUE);
        add(l, 89, Maps::peek, CONST_MAP_PTR, PTR_TO_MAP_VALUE);
        add(l, 93, Locks::lock, ANYTHING);
        add(l, 94, Locks::unlock, ANYTHING);
        add(l, 105, Strings::strtol, PTR_TO_MEM, CONST_SIZE, ANYTHING, ANYTHING);
        add(l, 106, Strings::strtoul, PTR_TO_MEM, CONST_SIZE, ANYTHING, ANYTHING);
        l.add(spec(112, Probe::read, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        l.add(spec(113, Probe::read, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        l.add(spec(114, Probe::readStr, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        l.add(spec(115, Probe::readStr, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        add(l, 118, Task::jiffies64);
        add(l, 125, Task::ktimeBootNs);
        add(l, 148, Probe::read, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        add(l, 130, Buffers::ringbufOutput, CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        add(l, 131, Buffers::ringbufReserve, CONST_MAP_PTR, ANYTHING, ANYTHING);
        add(l, 132, Buffers::ringbufSubmit, PTR_TO_ALLOC_MEM, ANYTHING);
        add(l, 133, Buffers::ringbufDiscard, PTR_TO_ALLOC_MEM, ANYTHING);
        add(l, 134, Buffers::ringbufQuery, CONST_MAP_PTR, ANYTHING);
        add(l, 160, Task::ktimeCoarseNs);
        add(l, FOR_EACH_MAP_ELEM, Control::forEachMapElem, CONST_MAP_PTR, PTR_TO_FUNC, ANYTHING, ANYTHING);
        l.add(spec(165, Printing::snprintf, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, PTR_TO_CONST_STR, ANYTHING,
                ANYTHING).withGplOnly());
        add(l, 174, Task::attachCookie, PTR_TO_CTX);
        l.add(spec(TRACE_VPRINTK, Printing::traceVprintk, PTR_TO_MEM, CONST_SIZE, ANYTHING, ANYTHING).withGplOnly());
        add(l, LOOP, BPF_LOOP, ANYTHING, PTR_TO_FUNC, ANYTHING, ANYTHING);
        add(l, 182, Strings::strncmp, PTR_TO_MEM, CONST_SIZE, PTR_TO_CONST_STR);
        add(l, 189, Packets::xdpLoadBytes, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE);
        add(l, 190, Packets::xdpStoreBytes, PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE);
        l.add(spec(195, Maps::lookupPercpu, CONST_MAP_PTR, PTR_TO_MAP_KEY, ANYTHING).withPacketAccess());
        add(l, 208, Task::ktimeTaiNs);
        l.add(spec(13, (m, a, b, c, d, e) -> SkbHelpers.cloneRedirect(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING,
                ANYTHING).withChangesPacket());
        l.add(spec(18, SkbHelpers::vlanPush, PTR_TO_CTX, ANYTHING, ANYTHING).withChangesPacket());
        l.add(spec(19, SkbHelpers::vlanPop, PTR_TO_CTX).withChangesPacket());
        add(l, 20, SkbHelpers::getTunnelKey, PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE, ANYTHING);
        add(l, 21, (m, a, b, c, d, e) -> SkbHelpers.setTunnelKey(k, m, a, b, c, d, e), PTR_TO_CTX, PTR_TO_MEM,
                CONST_SIZE, ANYTHING);
        l.add(spec(22, (m, a, b, c, d, e) -> Tracing.perfEventRead(k, m, a, b, c, d, e), CONST_MAP_PTR, ANYTHING)
                .withGplOnly());
        l.add(spec(27, (m, a, b, c, d, e) -> Tracing.getStackid(k, m, a, b, c, d, e), PTR_TO_CTX, CONST_MAP_PTR,
                ANYTHING).withGplOnly());
        add(l, 29, SkbHelpers::getTunnelOpt, PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE);
        add(l, 30, (m, a, b, c, d, e) -> SkbHelpers.setTunnelOpt(k, m, a, b, c, d, e), PTR_TO_CTX, PTR_TO_MEM,
                CONST_SIZE);
        l.add(spec(31, SkbHelpers::changeProto, PTR_TO_CTX, ANYTHING, ANYTHING).withChangesPacket());
        add(l, 32, SkbHelpers::changeType, PTR_TO_CTX, ANYTHING);
        add(l, 33, Net::skbUnderCgroup, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING);
        add(l, 34, SkbHelpers::hashRecalc, PTR_TO_CTX);
        add(l, 37, Net::currentTaskUnderCgroup, CONST_MAP_PTR, ANYTHING);
        l.add(spec(38, SkbHelpers::changeTail, PTR_TO_CTX, ANYTHING, ANYTHING).withChangesPacket());
        l.add(spec(39, SkbHelpers::pullData, PTR_TO_CTX, ANYTHING).withChangesPacket());
        add(l, 40, SkbHelpers::csumUpdate, PTR_TO_CTX, ANYTHING);
        add(l, 41, SkbHelpers::setHashInvalid, PTR_TO_CTX);
        l.add(spec(43, SkbHelpers::changeHead, PTR_TO_CTX, ANYTHING, ANYTHING).withChangesPacket());
        add(l, 46, (m, a, b, c, d, e) -> SkbHelpers.socketCookie(k, m, a, b, c, d, e), PTR_TO_CTX);
        add(l, 48, SkbHelpers::setHash, PTR_TO_CTX, ANYTHING);
        add(l, 49, (m, a, b, c, d, e) -> Net.setsockopt(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING, ANYTHING,
                PTR_TO_MEM, CONST_SIZE);
        l.add(spec(50, SkbHelpers::adjustRoom, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING).withChangesPacket());
        add(l, 51, (m, a, b, c, d, e) -> Net.redirectMap(k, m, a, b, c, d, e), CONST_MAP_PTR, ANYTHING, ANYTHING);
        add(l, 53, (m, a, b, c, d, e) -> Net.sockMapUpdate(k, m, a, b, c, d, e), PTR_TO_CTX, CONST_MAP_PTR,
                PTR_TO_MAP_KEY, ANYTHING);
        l.add(spec(55, (m, a, b, c, d, e) -> Tracing.perfEventReadValue(k, m, a, b, c, d, e), CONST_MAP_PTR,
                ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE).withGplOnly());
        l.add(spec(56, (m, a, b, c, d, e) -> Tracing.perfProgReadValue(k, m, a, b, c, d, e), PTR_TO_CTX,
                PTR_TO_UNINIT_MEM, CONST_SIZE).withGplOnly());
        add(l, 57, (m, a, b, c, d, e) -> Net.getsockopt(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING, ANYTHING,
                PTR_TO_UNINIT_MEM, CONST_SIZE);
        l.add(spec(58, (m, a, b, c, d, e) -> Tracing.overrideReturn(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING)
                .withGplOnly());
        add(l, 59, (m, a, b, c, d, e) -> Net.sockOpsCbFlagsSet(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING);
        l.add(spec(67, (m, a, b, c, d, e) -> Tracing.getStack(k, m, a, b, c, d, e), PTR_TO_CTX, PTR_TO_UNINIT_MEM,
                CONST_SIZE_OR_ZERO, ANYTHING).withGplOnly());
        // params is read and written: ANYTHING, so that the verifier forgets what the stack held.
        add(l, 69, (m, a, b, c, d, e) -> Net.fibLookup(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING);
        add(l, 70, (m, a, b, c, d, e) -> Net.sockMapUpdate(k, m, a, b, c, d, e), PTR_TO_CTX, CONST_MAP_PTR,
                PTR_TO_MAP_KEY, ANYTHING);
        add(l, 82, (m, a, b, c, d, e) -> Net.selectReuseport(k, m, a, b, c, d, e), PTR_TO_CTX, CONST_MAP_PTR,
                PTR_TO_MAP_KEY, ANYTHING);
        l.add(spec(84, Net::noSocket, PTR_TO_CTX, PTR_TO_MEM, CONST_SIZE, ANYTHING, ANYTHING).withPacketAccess());
        l.add(spec(85, Net::noSocket, PTR_TO_CTX, PTR_TO_MEM, CONST_SIZE, ANYTHING, ANYTHING).withPacketAccess());
        add(l, 86, Net::release, ANYTHING);
        add(l, 95, Net::noSocket, ANYTHING);
        add(l, 96, Net::noSocket, ANYTHING);
        l.add(spec(99, Net::noSocket, PTR_TO_CTX, PTR_TO_MEM, CONST_SIZE, ANYTHING, ANYTHING).withPacketAccess());
        add(l, 107, Net::noSocket, CONST_MAP_PTR, ANYTHING, ANYTHING, ANYTHING);
        add(l, 122, (m, a, b, c, d, e) -> Net.netnsCookie(k, m, a, b, c, d, e), ANYTHING);
        add(l, 124, (m, a, b, c, d, e) -> Net.skAssign(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING, ANYTHING);
        add(l, 137, Net::noSocket, ANYTHING);
        add(l, 139, Net::noSocket, ANYTHING);
        add(l, 152, (m, a, b, c, d, e) -> Net.redirectNeigh(k, m, a, b, c, d, e), ANYTHING, PTR_TO_MEM,
                CONST_SIZE_OR_ZERO, ANYTHING);
        add(l, 155, (m, a, b, c, d, e) -> Net.redirectPeer(k, m, a, b, c, d, e), ANYTHING, ANYTHING);
        l.add(spec(158, Task::currentTask).withGplOnly());
        add(l, 163, (m, a, b, c, d, e) -> Net.checkMtu(k, m, a, b, c, d, e), PTR_TO_CTX, ANYTHING, ANYTHING,
                ANYTHING, ANYTHING);
        l.add(spec(173, (m, a, b, c, d, e) -> Tracing.funcIp(k, m, a, b, c, d, e), PTR_TO_CTX).withGplOnly());
        add(l, HelperIds.FIND_VMA, Tracing::findVma, ANYTHING, ANYTHING, PTR_TO_FUNC, ANYTHING, ANYTHING);
        l.add(spec(191, Tracing::copyFromUserTask, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING, ANYTHING,
                ANYTHING).withGplOnly());
        add(l, 81, Maps::localStorage, CONST_MAP_PTR, ANYTHING);
        add(l, 147, (m, a, b, c, d, e) -> Tracing.dPath(k, m, a, b, c, d, e), ANYTHING, PTR_TO_UNINIT_MEM,
                CONST_SIZE_OR_ZERO);
        // A bpf_timer or a dynptr is a pointer into a map value or the stack that the helper
        // reads and writes as a whole: ANYTHING, checked at run time (the kernel's ARG_PTR_TO_TIMER
        // and ARG_PTR_TO_DYNPTR have no counterpart in this verifier).
        l.add(spec(169, Timers::init, ANYTHING, CONST_MAP_PTR, ANYTHING).withGplOnly());
        l.add(spec(170, Timers::setCallback, ANYTHING, PTR_TO_FUNC).withGplOnly());
        l.add(spec(171, Timers::start, ANYTHING, ANYTHING, ANYTHING).withGplOnly());
        l.add(spec(172, Timers::cancel, ANYTHING).withGplOnly());
        add(l, 197, Dynptrs::fromMem, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING, ANYTHING);
        add(l, 198, Dynptrs::ringbufReserve, CONST_MAP_PTR, ANYTHING, ANYTHING, ANYTHING);
        add(l, 199, Dynptrs::ringbufSubmit, ANYTHING, ANYTHING);
        add(l, 200, Dynptrs::ringbufDiscard, ANYTHING, ANYTHING);
        add(l, 201, Dynptrs::read, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING, ANYTHING, ANYTHING);
        add(l, 202, Dynptrs::write, ANYTHING, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        add(l, 203, Dynptrs::data, ANYTHING, ANYTHING, ANYTHING);
        add(l, USER_RINGBUF_DRAIN, Dynptrs::userRingbufDrain, CONST_MAP_PTR, PTR_TO_FUNC, ANYTHING, ANYTHING);
        l.sort(java.util.Comparator.comparingInt(HelperSpec::id));
        return List.copyOf(l);
    }

    private static void add(List<HelperSpec> l, int id, Helper impl, ArgType... args) {
        l.add(spec(id, impl, args));
    }

    private static HelperSpec spec(int id, Helper impl, ArgType... args) {
        return new HelperSpec(id, HelperNames.nameOf(id), List.of(args), impl);
    }
}
