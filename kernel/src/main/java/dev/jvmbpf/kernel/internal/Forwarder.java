package dev.jvmbpf.kernel.internal;

import dev.jvmbpf.helpers.HelperNames;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;

/**
 * The forwarding program trace mode loads into the kernel for one traced program: on each event
 * it reserves a ring-buffer record, fills the header with what the task and time helpers return
 * in that context, copies the first {@code captureSize} bytes of the context (a tracepoint's
 * record, a raw tracepoint's arguments) behind it and submits it. A failed reservation (the ring
 * buffer is full) adds one to slot 0 of the drop counter, an array map of one u64.
 *
 * <p>Record layout (little-endian): 0 pid_tgid u64, 8 uid_gid u64, 16 ktime ns u64, 24 CPU u32,
 * 28 source index u32, 32 comm (16 bytes), {@link #HEADER_SIZE} the context bytes.
 */
public final class Forwarder {
    public static final int PID_TGID = 0;
    public static final int UID_GID = 8;
    public static final int KTIME = 16;
    public static final int CPU = 24;
    public static final int SOURCE = 28;
    public static final int COMM = 32;
    public static final int COMM_SIZE = 16;
    public static final int HEADER_SIZE = 48;

    private static final int MAP_LOOKUP_ELEM = HelperNames.idOf("map_lookup_elem");
    private static final int KTIME_GET_NS = HelperNames.idOf("ktime_get_ns");
    private static final int GET_SMP_PROCESSOR_ID = HelperNames.idOf("get_smp_processor_id");
    private static final int GET_CURRENT_PID_TGID = HelperNames.idOf("get_current_pid_tgid");
    private static final int GET_CURRENT_UID_GID = HelperNames.idOf("get_current_uid_gid");
    private static final int GET_CURRENT_COMM = HelperNames.idOf("get_current_comm");
    private static final int PROBE_READ_KERNEL = HelperNames.idOf("probe_read_kernel");
    private static final int RINGBUF_RESERVE = HelperNames.idOf("ringbuf_reserve");
    private static final int RINGBUF_SUBMIT = HelperNames.idOf("ringbuf_submit");

    private static final int ALU64_MOV_K = Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_K;
    private static final int ALU64_MOV_X = Opcodes.CLASS_ALU64 | Opcodes.ALU_MOV | Opcodes.SRC_X;
    private static final int ALU64_ADD_K = Opcodes.CLASS_ALU64 | Opcodes.ALU_ADD | Opcodes.SRC_K;
    private static final int JEQ_K = Opcodes.CLASS_JMP | Opcodes.JMP_JEQ | Opcodes.SRC_K;
    private static final int STX_DW = Opcodes.CLASS_STX | Opcodes.SIZE_DW | Opcodes.MODE_MEM;
    private static final int STX_W = Opcodes.CLASS_STX | Opcodes.SIZE_W | Opcodes.MODE_MEM;
    private static final int ST_W = Opcodes.CLASS_ST | Opcodes.SIZE_W | Opcodes.MODE_MEM;
    private static final int ATOMIC_DW = Opcodes.CLASS_STX | Opcodes.SIZE_DW | Opcodes.MODE_ATOMIC;

    private Forwarder() {
    }

    /** The forwarder's instructions, encoded, for ring buffer {@code ringBufferFd} and drop counter {@code dropsFd}. */
    public static byte[] code(int ringBufferFd, int dropsFd, int source, int captureSize) {
        List<Instruction> c = new ArrayList<>();
        c.add(Instruction.of(ALU64_MOV_X, 6, 1, 0, 0));
        loadMap(c, 1, ringBufferFd);
        c.add(Instruction.of(ALU64_MOV_K, 2, 0, 0, HEADER_SIZE + captureSize));
        c.add(Instruction.of(ALU64_MOV_K, 3, 0, 0, 0));
        call(c, RINGBUF_RESERVE);
        int branch = c.size();
        c.add(null); // if r0 == 0 goto drop, patched below
        c.add(Instruction.of(ALU64_MOV_X, 7, 0, 0, 0));
        call(c, GET_CURRENT_PID_TGID);
        c.add(Instruction.of(STX_DW, 7, 0, PID_TGID, 0));
        call(c, GET_CURRENT_UID_GID);
        c.add(Instruction.of(STX_DW, 7, 0, UID_GID, 0));
        call(c, KTIME_GET_NS);
        c.add(Instruction.of(STX_DW, 7, 0, KTIME, 0));
        call(c, GET_SMP_PROCESSOR_ID);
        c.add(Instruction.of(STX_W, 7, 0, CPU, 0));
        c.add(Instruction.of(ST_W, 7, 0, SOURCE, source));
        c.add(Instruction.of(ALU64_MOV_X, 1, 7, 0, 0));
        c.add(Instruction.of(ALU64_ADD_K, 1, 0, 0, COMM));
        c.add(Instruction.of(ALU64_MOV_K, 2, 0, 0, COMM_SIZE));
        call(c, GET_CURRENT_COMM);
        if (captureSize > 0) {
            c.add(Instruction.of(ALU64_MOV_X, 1, 7, 0, 0));
            c.add(Instruction.of(ALU64_ADD_K, 1, 0, 0, HEADER_SIZE));
            c.add(Instruction.of(ALU64_MOV_K, 2, 0, 0, captureSize));
            c.add(Instruction.of(ALU64_MOV_X, 3, 6, 0, 0));
            call(c, PROBE_READ_KERNEL);
        }
        c.add(Instruction.of(ALU64_MOV_X, 1, 7, 0, 0));
        c.add(Instruction.of(ALU64_MOV_K, 2, 0, 0, 0));
        call(c, RINGBUF_SUBMIT);
        c.add(Instruction.of(ALU64_MOV_K, 0, 0, 0, 0));
        c.add(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0));
        int drop = c.size();
        c.set(branch, Instruction.of(JEQ_K, 0, 0, drop - branch - 1, 0));
        c.add(Instruction.of(ST_W, 10, 0, -4, 0));
        c.add(Instruction.of(ALU64_MOV_X, 2, 10, 0, 0));
        c.add(Instruction.of(ALU64_ADD_K, 2, 0, 0, -4));
        loadMap(c, 1, dropsFd);
        call(c, MAP_LOOKUP_ELEM);
        c.add(Instruction.of(JEQ_K, 0, 0, 2, 0));
        c.add(Instruction.of(ALU64_MOV_K, 1, 0, 0, 1));
        c.add(Instruction.of(ATOMIC_DW, 0, 1, 0, Opcodes.ATOMIC_ADD));
        c.add(Instruction.of(ALU64_MOV_K, 0, 0, 0, 0));
        c.add(Instruction.of(Opcodes.EXIT, 0, 0, 0, 0));
        return Instruction.encode(c.toArray(Instruction[]::new));
    }

    private static void call(List<Instruction> c, int helper) {
        c.add(Instruction.of(Opcodes.CALL, 0, Opcodes.CALL_HELPER, 0, helper));
    }

    private static void loadMap(List<Instruction> c, int dst, int fd) {
        c.add(Instruction.of(Opcodes.LDDW, dst, Opcodes.PSEUDO_MAP_FD, 0, fd));
        c.add(Instruction.of(0, 0, 0, 0, 0));
    }
}
