package dev.jvmbpf.jit.internal;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.IndexedMap;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;
import dev.jvmbpf.runtime.memory.Region;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Static entry points the generated classes call. Each is small so that C2 inlines it into the
 * compiled program; keeping them here rather than emitting their bytecode keeps every generated
 * method short (the 8000-byte limit) and the codegen readable.
 */
public final class JitRuntime {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private JitRuntime() {
    }

    // Stack frame access. The code generator only emits these for r10 + constant offsets it has
    // proven to lie inside the frame, so the array index is always in range.

    public static long stackLoad8(byte[] stack, int index) {
        return stack[index] & 0xffL;
    }

    public static long stackLoad16(byte[] stack, int index) {
        return (short) I16.get(stack, index) & 0xffffL;
    }

    public static long stackLoad32(byte[] stack, int index) {
        return (int) I32.get(stack, index) & 0xffffffffL;
    }

    public static long stackLoad64(byte[] stack, int index) {
        return (long) I64.get(stack, index);
    }

    public static long stackLoad8s(byte[] stack, int index) {
        return stack[index];
    }

    public static long stackLoad16s(byte[] stack, int index) {
        return (short) I16.get(stack, index);
    }

    public static long stackLoad32s(byte[] stack, int index) {
        return (int) I32.get(stack, index);
    }

    public static void stackStore8(byte[] stack, int index, long value) {
        stack[index] = (byte) value;
    }

    public static void stackStore16(byte[] stack, int index, long value) {
        I16.set(stack, index, (short) value);
    }

    public static void stackStore32(byte[] stack, int index, long value) {
        I32.set(stack, index, (int) value);
    }

    public static void stackStore64(byte[] stack, int index, long value) {
        I64.set(stack, index, value);
    }

    /**
     * An atomic read-modify-write of 4 or 8 bytes on an aligned stack slot; returns the old value
     * (zero-extended for 4 bytes). Byte-array views have no atomic access modes on JDK 25, so
     * this holds the array's monitor, the same one {@code AddressSpace.atomic} holds: atomics
     * through either path exclude each other. {@code op} is a constant at each call site.
     */
    public static long stackAtomic(byte[] stack, int index, int width, int op, long operand, long expected) {
        synchronized (stack) {
            long old = width == 8 ? (long) I64.get(stack, index) : (int) I32.get(stack, index) & 0xffffffffL;
            long updated = Alu.atomicUpdate(op, width, old, operand, expected);
            if (width == 8) {
                I64.set(stack, index, updated);
            } else {
                I32.set(stack, index, (int) updated);
            }
            return old;
        }
    }

    // Generic memory: translated and checked by the address space, as in the interpreter.

    /**
     * The region of {@code address} if generated code may access it through its per-method cache:
     * a region whose loads are plain bytes (no computed context fields). Regions never change id
     * during a run (only {@code beginRun} forgets them), so a cached region stays valid for the
     * whole method invocation. Null when the address is in no region or the region computes loads.
     */
    public static Region cacheable(AddressSpace memory, long address) {
        Region r = memory.regionOf(address);
        return r != null && r.view() == null ? r : null;
    }

    /**
     * Where the accesses the verifier saw go into the packet or input memory land: the run's
     * packet when it has one, otherwise the r1 the run was entered with (a RAW program's input,
     * when the embedder set no packet). Every access is still checked against the region found
     * there.
     */
    public static long inputAddress(Machine machine) {
        long packet = machine.packetAddress();
        return packet != 0 ? packet : machine.entryR1();
    }

    /** Runs the atomic at {@code address}; the caller decides which register receives the result. */
    public static long atomic(AddressSpace memory, int op, long address, int width, long operand, long expected) {
        return memory.atomic(op, address, width, operand, expected);
    }

    // Calls.

    /**
     * Invokes a helper. A Java exception from the helper other than a fault or a tail call is the
     * helper's failure (HELPER, with the exception as its cause), as in the interpreter; an Error
     * is left to {@link #locate} (INTERNAL). C2 inlines this, so the handler is free.
     */
    public static long callHelper(HelperSpec spec, Machine machine, long r1, long r2, long r3, long r4, long r5) {
        try {
            return spec.implementation().call(machine, r1, r2, r3, r4, r5);
        } catch (BpfFault | TailCall f) {
            throw f;
        } catch (Exception e) {
            throw BpfFault.helperFailed(spec.name(), spec.id(), e);
        }
    }

    /**
     * bpf_tail_call from the entry function: in frame 0 the helper records the jump on the
     * machine instead of throwing {@link TailCall}, and the generated code ends the program when
     * {@link #tailCallPending} says so. A thrown signal would unwind the helper's, this and the
     * generated frames through the JVM's exception dispatch, some hundreds of ns per jump.
     */
    public static long tailCall(HelperSpec spec, Machine machine, long r1, long r2, long r3, long r4, long r5,
            int depth) {
        if (depth != 0) {
            return callHelper(spec, machine, r1, r2, r3, r4, r5);
        }
        machine.armTailCall();
        try {
            return callHelper(spec, machine, r1, r2, r3, r4, r5);
        } finally {
            machine.disarmTailCall();
        }
    }

    public static boolean tailCallPending(Machine machine) {
        return machine.tailCallPending();
    }

    /**
     * Where a slice of a counted loop's signed copy ends: {@code reach} past {@code counter}, but
     * not past {@code bound} (both in [0, Long.MAX_VALUE - step], see {@code CountedLoop}).
     */
    public static long sliceBound(long counter, long bound, long reach) {
        long end = counter + reach;
        return end < counter ? bound : Math.min(bound, end);
    }

    /**
     * Where a slice of an equality loop's copy ends: the counter moves by {@code step} (1 or -1)
     * per iteration until it equals {@code bound} (2^64 iterations when it starts there); the
     * slice stops at the bound or after {@code iterations}, whichever comes first.
     */
    public static long sliceEnd(long counter, long bound, long step, long iterations) {
        long distance = step > 0 ? bound - counter : counter - bound;
        return distance != 0 && Long.compareUnsigned(distance, iterations) <= 0 ? bound : counter + step * iterations;
    }

    /**
     * The instructions a slice of a counted loop ran (its iterations, from the counter's growth,
     * times the body's length {@code span}), at most {@link Machine#POLL_INTERVAL}.
     */
    public static int sliceCost(long counter, long start, long step, int span) {
        long iterations = (counter - start) / step + 1;
        return (int) Math.min(iterations * span, Machine.POLL_INTERVAL);
    }

    /** {@code callx}: the register holds the helper id, resolved at run time. */
    public static long callDynamic(HelperTable helpers, Machine machine, long id, long r1, long r2, long r3,
            long r4, long r5) {
        HelperSpec spec = helpers.get(id);
        if (spec == null) {
            throw BpfFault.unknownHelper(id);
        }
        return callHelper(spec, machine, r1, r2, r3, r4, r5);
    }

    /** Reached only when a program calls a helper id the table lacked at compile time. */
    public static BpfFault unknownHelper(int id) {
        return BpfFault.unknownHelper(id);
    }

    /** Records the caller's frame depth for callbacks (only in programs that take function pointers). */
    public static void enterHelper(Machine machine, int depth) {
        if (machine.callbackInvoker() instanceof JitCallbacks c) {
            c.enter(depth);
        }
    }

    /**
     * {@code LD_ABS}/{@code LD_IND} outside the entry function: the packet is missing, so the whole
     * run ends with r0 = 0. The signal crosses the generated frames untouched (see {@link #locate}).
     */
    public static EndOfRun endOfRun() {
        return EndOfRun.INSTANCE;
    }

    /**
     * map_lookup_elem on an array map, as the helper does it: the key's four bytes read from
     * {@code keyAddress} (faulting as the helper's read would), the element's region registered
     * for the run.
     */
    public static long lookupIndex(Machine machine, IndexedMap map, long keyAddress) {
        AddressSpace mem = machine.memory();
        // The key's bytes as stored, as the helper copies them (a context's computed fields are not keys).
        byte[] key = mem.read(keyAddress, 4);
        Region value = map.lookupIndex((key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | key[3] << 24);
        return value == null ? 0 : mem.register(value);
    }

    /** A callback that a helper (or an inline bpf_loop) would call from frame {@code depth}, the last one. */
    public static BpfFault callbackDepth(int depth) {
        return BpfFault.callDepth();
    }

    public static BpfFault callDepth(int depth) {
        return BpfFault.callDepth();
    }

    public static BpfFault invalid(String detail) {
        return BpfFault.of(FaultKind.INVALID_INSTRUCTION, detail);
    }

    /** A state the code generator believed impossible; reported instead of misbehaving. */
    public static BpfFault internal(String detail) {
        return BpfFault.of(FaultKind.INTERNAL, detail);
    }

    /**
     * Converts whatever left a method of a compiled program into a fault located at {@code pc}.
     * A fault raised deeper (in a callee frame) already carries its pc and is kept.
     */
    public static RuntimeException locate(Throwable t, int pc, Instruction[] program) {
        Instruction insn = pc >= 0 && pc < program.length ? program[pc] : null;
        if (t instanceof BpfFault f) {
            return f.at(pc, insn);
        }
        if (t instanceof TailCall || t instanceof EndOfRun) {
            return (RuntimeException) t;
        }
        return new BpfFault(FaultKind.INTERNAL, pc, insn, 0, 0, t.toString(), t);
    }
}
