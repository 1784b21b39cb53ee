package dev.jvmbpf.runtime.isa;

import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/**
 * The arithmetic whose kernel semantics differ from Java's. The interpreter calls these methods
 * and the JIT emits {@code invokestatic} to them, so both engines share one definition; they are
 * small enough for C2 to inline.
 */
public final class Alu {
    /**
     * The kernel's {@code BPF_MAX_LOOPS} (2^23), the one definition of both of its uses: how many
     * times each function invocation may fall through its {@code may_goto} instructions before they
     * start jumping (the counter is per call of a function, initialised in its prologue, not per
     * run, as in the kernel's interpreter), and the most iterations {@code bpf_loop} runs (more
     * gives -E2BIG).
     */
    public static final int MAX_LOOPS = 1 << 23;

    /**
     * The value an atomic read-modify-write leaves in memory, the one definition both engines use
     * (the interpreter through {@code AddressSpace.atomic}, the JIT's stack fast path directly):
     * {@code op} is the instruction's immediate ({@link Opcodes#ATOMIC_ADD} to
     * {@link Opcodes#ATOMIC_CMPXCHG}; the fetch bit does not change what is stored), {@code old}
     * the memory's value (zero-extended for 4 bytes), {@code expected} r0 for a compare-exchange.
     * Only the low {@code width} bytes of the result are stored.
     *
     * @throws BpfFault of kind INVALID_INSTRUCTION for an immediate that is no read-modify-write
     */
    public static long atomicUpdate(int op, int width, long old, long operand, long expected) {
        return switch (op & ~Opcodes.ATOMIC_FETCH) {
            case Opcodes.ATOMIC_ADD -> old + operand;
            case Opcodes.ATOMIC_OR -> old | operand;
            case Opcodes.ATOMIC_AND -> old & operand;
            case Opcodes.ATOMIC_XOR -> old ^ operand;
            case Opcodes.ATOMIC_XCHG & ~Opcodes.ATOMIC_FETCH -> operand;
            case Opcodes.ATOMIC_CMPXCHG & ~Opcodes.ATOMIC_FETCH ->
                    (width == 8 ? old == expected : (int) old == (int) expected) ? operand : old;
            default -> throw BpfFault.of(FaultKind.INVALID_INSTRUCTION, "atomic op 0x" + Integer.toHexString(op));
        };
    }

    private Alu() {
    }

    /** Unsigned 64-bit division; a zero divisor gives 0. */
    public static long udiv64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    /** Unsigned 64-bit modulo; a zero divisor leaves the dividend. */
    public static long umod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    /** Signed 64-bit division; zero divisor gives 0, {@code MIN / -1} gives MIN. */
    public static long sdiv64(long a, long b) {
        if (b == 0) {
            return 0;
        }
        return b == -1 ? -a : a / b;
    }

    /** Signed 64-bit modulo; zero divisor leaves the dividend, {@code MIN % -1} gives 0. */
    public static long smod64(long a, long b) {
        if (b == 0) {
            return a;
        }
        return b == -1 ? 0 : a % b;
    }

    /** Unsigned 32-bit division, zero-extended; a zero divisor gives 0. */
    public static long udiv32(long a, long b) {
        int d = (int) b;
        return d == 0 ? 0 : Integer.toUnsignedLong(Integer.divideUnsigned((int) a, d));
    }

    /** Unsigned 32-bit modulo, zero-extended; a zero divisor leaves the low half of the dividend. */
    public static long umod32(long a, long b) {
        int d = (int) b;
        return d == 0 ? Integer.toUnsignedLong((int) a) : Integer.toUnsignedLong(Integer.remainderUnsigned((int) a, d));
    }

    /** Signed 32-bit division, zero-extended. */
    public static long sdiv32(long a, long b) {
        int n = (int) a;
        int d = (int) b;
        if (d == 0) {
            return 0;
        }
        return Integer.toUnsignedLong(d == -1 ? -n : n / d);
    }

    /** Signed 32-bit modulo, zero-extended. */
    public static long smod32(long a, long b) {
        int n = (int) a;
        int d = (int) b;
        if (d == 0) {
            return Integer.toUnsignedLong(n);
        }
        return Integer.toUnsignedLong(d == -1 ? 0 : n % d);
    }

    /** {@code be16/be32/be64} on a little-endian machine: swap, then truncate. */
    public static long toBigEndian(long value, int bits) {
        return switch (bits) {
            case 16 -> Short.toUnsignedLong(Short.reverseBytes((short) value));
            case 32 -> Integer.toUnsignedLong(Integer.reverseBytes((int) value));
            default -> Long.reverseBytes(value);
        };
    }

    /** {@code le16/le32/le64} on a little-endian machine: truncate only. */
    public static long toLittleEndian(long value, int bits) {
        return switch (bits) {
            case 16 -> value & 0xffffL;
            case 32 -> value & 0xffffffffL;
            default -> value;
        };
    }
}
