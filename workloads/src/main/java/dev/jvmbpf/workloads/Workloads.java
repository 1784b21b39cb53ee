package dev.jvmbpf.workloads;

import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.isa.Opcodes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The BPF programs the benchmarks run, built instruction by instruction. */
public final class Workloads {
    /** Iterations of the compute loop per run. */
    public static final int COMPUTE_ITERATIONS = 1000;
    /** Bytes of the packet the memory loop sums. */
    public static final int PACKET_SIZE = 1500;

    private Workloads() {
    }

    /**
     * A benchmark program by name, as {@code jvmbpf bench --workload} and the JMH benchmarks run
     * it: raw, r1 = the {@link #packet()} and r2 = its length when {@code usesMemory}.
     */
    public record Workload(String name, String description, Instruction[] code, boolean usesMemory) {
    }

    /** Every workload, compute loops first. */
    public static List<Workload> all() {
        return List.of(
                new Workload("compute-loop", "1000 iterations of a hash step spilled to the stack, one dependent chain",
                        computeLoop(), false),
                new Workload("compute-lanes", "1000 iterations of four independent multiply-add lanes",
                        computeLanes(), false),
                new Workload("siphash", "SipHash-2-4 of 1000 message words, rotates written as shift pairs",
                        sipHash(), false),
                new Workload("memory-loop", "byte sum over a 1500-byte packet through r1", memoryLoop(), true),
                new Workload("memory-index", "the same byte sum as clang -O2 compiles an indexed C loop",
                        memoryIndex(), true),
                new Workload("fnv-hash", "FNV-1a 64 over a 1500-byte packet", fnvHash(), true));
    }

    /** The workload called {@code name}, or null. */
    public static Workload named(String name) {
        for (Workload w : all()) {
            if (w.name().equals(name)) {
                return w;
            }
        }
        return null;
    }

    /** The packet the memory workloads read: {@link #PACKET_SIZE} bytes from a fixed seed. */
    public static byte[] packet() {
        byte[] bytes = new byte[PACKET_SIZE];
        new SplittableRandom(42).nextBytes(bytes);
        return bytes;
    }

    private static Instruction insn(int opcode, int dst, int src, int off, int imm) {
        return Instruction.of(opcode, dst, src, off, imm);
    }

    private static final int ALU64_K = Opcodes.CLASS_ALU64 | Opcodes.SRC_K;
    private static final int ALU64_X = Opcodes.CLASS_ALU64 | Opcodes.SRC_X;

    /**
     * A hash-mixing loop of {@link #COMPUTE_ITERATIONS} iterations, 9 instructions each, with its
     * state spilled to and reloaded from the stack every iteration (as clang's -O0 output does):
     * <pre>
     *   r0 = 0; r2 = 1000; r3 = 0x12345; *(u64 *)(r10 - 8) = r3
     * loop:
     *   r3 = *(u64 *)(r10 - 8); r3 *= 0x5bd1e995; r4 = r3; r4 >>= 15; r3 ^= r4
     *   *(u64 *)(r10 - 8) = r3; r0 += r3; r2 -= 1; if r2 != 0 goto loop
     *   exit
     * </pre>
     */
    public static Instruction[] computeLoop() {
        return new Instruction[] {
            insn(ALU64_K | Opcodes.ALU_MOV, 0, 0, 0, 0),
            insn(ALU64_K | Opcodes.ALU_MOV, 2, 0, 0, COMPUTE_ITERATIONS),
            insn(ALU64_K | Opcodes.ALU_MOV, 3, 0, 0, 0x12345),
            insn(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 3, -8, 0),
            insn(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 3, 10, -8, 0),
            insn(ALU64_K | Opcodes.ALU_MUL, 3, 0, 0, 0x5bd1e995),
            insn(ALU64_X | Opcodes.ALU_MOV, 4, 3, 0, 0),
            insn(ALU64_K | Opcodes.ALU_RSH, 4, 0, 0, 15),
            insn(ALU64_X | Opcodes.ALU_XOR, 3, 4, 0, 0),
            insn(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 3, -8, 0),
            insn(ALU64_X | Opcodes.ALU_ADD, 0, 3, 0, 0),
            insn(ALU64_K | Opcodes.ALU_SUB, 2, 0, 0, 1),
            insn(Opcodes.CLASS_JMP | Opcodes.JMP_JNE, 2, 0, -9, 0),
            insn(Opcodes.EXIT, 0, 0, 0, 0),
        };
    }

    /**
     * The same kind of arithmetic in four independent lanes, as hashing and checksumming code
     * usually has (10 instructions per iteration, 1000 iterations):
     * <pre>
     *   r2 = 1000; r3 = 1; r4 = 2; r5 = 3; r6 = 4
     * loop:
     *   r3 *= 0x5bd1e995; r3 += r2; r4 *= 0x27d4eb2d; r4 ^= r2
     *   r5 *= 0x165667b1; r5 += r2; r6 *= 0x1b873593; r6 ^= r2
     *   r2 -= 1; if r2 != 0 goto loop
     *   r0 = r3; r0 ^= r4; r0 ^= r5; r0 ^= r6; exit
     * </pre>
     */
    public static Instruction[] computeLanes() {
        return new Instruction[] {
            insn(ALU64_K | Opcodes.ALU_MOV, 2, 0, 0, COMPUTE_ITERATIONS),
            insn(ALU64_K | Opcodes.ALU_MOV, 3, 0, 0, 1),
            insn(ALU64_K | Opcodes.ALU_MOV, 4, 0, 0, 2),
            insn(ALU64_K | Opcodes.ALU_MOV, 5, 0, 0, 3),
            insn(ALU64_K | Opcodes.ALU_MOV, 6, 0, 0, 4),
            insn(ALU64_K | Opcodes.ALU_MUL, 3, 0, 0, 0x5bd1e995),
            insn(ALU64_X | Opcodes.ALU_ADD, 3, 2, 0, 0),
            insn(ALU64_K | Opcodes.ALU_MUL, 4, 0, 0, 0x27d4eb2d),
            insn(ALU64_X | Opcodes.ALU_XOR, 4, 2, 0, 0),
            insn(ALU64_K | Opcodes.ALU_MUL, 5, 0, 0, 0x165667b1),
            insn(ALU64_X | Opcodes.ALU_ADD, 5, 2, 0, 0),
            insn(ALU64_K | Opcodes.ALU_MUL, 6, 0, 0, 0x1b873593),
            insn(ALU64_X | Opcodes.ALU_XOR, 6, 2, 0, 0),
            insn(ALU64_K | Opcodes.ALU_SUB, 2, 0, 0, 1),
            insn(Opcodes.CLASS_JMP | Opcodes.JMP_JNE, 2, 0, -10, 0),
            insn(ALU64_X | Opcodes.ALU_MOV, 0, 3, 0, 0),
            insn(ALU64_X | Opcodes.ALU_XOR, 0, 4, 0, 0),
            insn(ALU64_X | Opcodes.ALU_XOR, 0, 5, 0, 0),
            insn(ALU64_X | Opcodes.ALU_XOR, 0, 6, 0, 0),
            insn(Opcodes.EXIT, 0, 0, 0, 0),
        };
    }

    /** SipHash key, first half: the key of the algorithm's published test vectors (bytes 0 to 7). */
    public static final long SIP_K0 = 0x0706050403020100L;
    /** SipHash key, second half (bytes 8 to 15). */
    public static final long SIP_K1 = 0x0f0e0d0c0b0a0908L;

    // SipHash state v0..v3, a scratch register for rotates, and the message word (the counter).
    private static final int V0 = 3;
    private static final int V1 = 4;
    private static final int V2 = 5;
    private static final int V3 = 6;
    private static final int TMP = 7;
    private static final int WORD = 2;

    /**
     * SipHash-2-4 with key ({@link #SIP_K0}, {@link #SIP_K1}) of the {@code 8 * 1000}-byte message
     * whose little-endian words are 1000, 999, ..., 1: the hash the kernel uses for its own hash
     * tables and that flow-steering programs compute. BPF has no rotate, so each of the six rotates
     * of a round is four instructions ({@code t = v; v <<= n; t >>= 64 - n; v |= t}) as clang
     * writes them; one round is 32 instructions and a message word 68 (68,000 per run). The
     * four state words give the processor two or three independent chains, unlike
     * {@link #computeLoop()}'s one.
     */
    public static Instruction[] sipHash() {
        List<Instruction> out = new ArrayList<>();
        lddw(out, V0, SIP_K0 ^ 0x736f6d6570736575L);
        lddw(out, V1, SIP_K1 ^ 0x646f72616e646f6dL);
        lddw(out, V2, SIP_K0 ^ 0x6c7967656e657261L);
        lddw(out, V3, SIP_K1 ^ 0x7465646279746573L);
        out.add(insn(ALU64_K | Opcodes.ALU_MOV, WORD, 0, 0, COMPUTE_ITERATIONS));
        int loop = out.size();
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, V3, WORD, 0, 0));
        sipRound(out);
        sipRound(out);
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, V0, WORD, 0, 0));
        out.add(insn(ALU64_K | Opcodes.ALU_SUB, WORD, 0, 0, 1));
        out.add(insn(Opcodes.CLASS_JMP | Opcodes.JMP_JNE, WORD, 0, loop - out.size() - 1, 0));
        // The last block: no bytes left, the message length (8000, mod 256) in the top byte.
        long last = (8L * COMPUTE_ITERATIONS & 0xff) << 56;
        lddw(out, WORD, last);
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, V3, WORD, 0, 0));
        sipRound(out);
        sipRound(out);
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, V0, WORD, 0, 0));
        out.add(insn(ALU64_K | Opcodes.ALU_XOR, V2, 0, 0, 0xff));
        for (int i = 0; i < 4; i++) {
            sipRound(out);
        }
        out.add(insn(ALU64_X | Opcodes.ALU_MOV, 0, V0, 0, 0));
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, 0, V1, 0, 0));
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, 0, V2, 0, 0));
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, 0, V3, 0, 0));
        out.add(insn(Opcodes.EXIT, 0, 0, 0, 0));
        return out.toArray(Instruction[]::new);
    }

    private static void sipRound(List<Instruction> out) {
        add(out, V0, V1);
        rotate(out, V1, 13);
        xor(out, V1, V0);
        rotate(out, V0, 32);
        add(out, V2, V3);
        rotate(out, V3, 16);
        xor(out, V3, V2);
        add(out, V0, V3);
        rotate(out, V3, 21);
        xor(out, V3, V0);
        add(out, V2, V1);
        rotate(out, V1, 17);
        xor(out, V1, V2);
        rotate(out, V2, 32);
    }

    private static void add(List<Instruction> out, int dst, int src) {
        out.add(insn(ALU64_X | Opcodes.ALU_ADD, dst, src, 0, 0));
    }

    private static void xor(List<Instruction> out, int dst, int src) {
        out.add(insn(ALU64_X | Opcodes.ALU_XOR, dst, src, 0, 0));
    }

    private static void rotate(List<Instruction> out, int reg, int left) {
        out.add(insn(ALU64_X | Opcodes.ALU_MOV, TMP, reg, 0, 0));
        out.add(insn(ALU64_K | Opcodes.ALU_LSH, reg, 0, 0, left));
        out.add(insn(ALU64_K | Opcodes.ALU_RSH, TMP, 0, 0, 64 - left));
        out.add(insn(ALU64_X | Opcodes.ALU_OR, reg, TMP, 0, 0));
    }

    private static void lddw(List<Instruction> out, int dst, long value) {
        out.add(insn(Opcodes.LDDW, dst, 0, 0, (int) value));
        out.add(insn(0, 0, 0, 0, (int) (value >>> 32)));
    }

    /**
     * A checksum over the packet at r1 (length in r2), one byte at a time, as a packet parser
     * reads (4 instructions per byte, 1500 bytes):
     * <pre>
     *   r0 = 0; r3 = r1; r3 += r2
     * loop:
     *   r4 = *(u8 *)(r1 + 0); r0 += r4; r1 += 1; if r1 < r3 goto loop
     *   exit
     * </pre>
     */
    public static Instruction[] memoryLoop() {
        return new Instruction[] {
            insn(ALU64_K | Opcodes.ALU_MOV, 0, 0, 0, 0),
            insn(ALU64_X | Opcodes.ALU_MOV, 3, 1, 0, 0),
            insn(ALU64_X | Opcodes.ALU_ADD, 3, 2, 0, 0),
            insn(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_B, 4, 1, 0, 0),
            insn(ALU64_X | Opcodes.ALU_ADD, 0, 4, 0, 0),
            insn(ALU64_K | Opcodes.ALU_ADD, 1, 0, 0, 1),
            insn(Opcodes.CLASS_JMP | Opcodes.SRC_X | Opcodes.JMP_JLT, 1, 3, -4, 0),
            insn(Opcodes.EXIT, 0, 0, 0, 0),
        };
    }

    /**
     * The byte sum as clang -O2 emits {@code for (i = 0; i < len; i++) sum += p[i];}: an index
     * counted up to the length, the address rebuilt from base and index every time, and the loop
     * test written as {@code len > i} (6 instructions per byte, 1500 bytes):
     * <pre>
     *   r0 = 0; r3 = 0
     * loop:
     *   r4 = r1; r4 += r3; r4 = *(u8 *)(r4 + 0); r0 += r4; r3 += 1; if r2 > r3 goto loop
     *   exit
     * </pre>
     */
    public static Instruction[] memoryIndex() {
        return new Instruction[] {
            insn(ALU64_K | Opcodes.ALU_MOV, 0, 0, 0, 0),
            insn(ALU64_K | Opcodes.ALU_MOV, 3, 0, 0, 0),
            insn(ALU64_X | Opcodes.ALU_MOV, 4, 1, 0, 0),
            insn(ALU64_X | Opcodes.ALU_ADD, 4, 3, 0, 0),
            insn(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_B, 4, 4, 0, 0),
            insn(ALU64_X | Opcodes.ALU_ADD, 0, 4, 0, 0),
            insn(ALU64_K | Opcodes.ALU_ADD, 3, 0, 0, 1),
            insn(Opcodes.CLASS_JMP | Opcodes.SRC_X | Opcodes.JMP_JGT, 2, 3, -6, 0),
            insn(Opcodes.EXIT, 0, 0, 0, 0),
        };
    }

    /** FNV-1a 64-bit offset basis. */
    public static final long FNV_OFFSET = 0xcbf29ce484222325L;
    /** FNV-1a 64-bit prime. */
    public static final long FNV_PRIME = 0x100000001b3L;

    /**
     * FNV-1a over the packet at r1 (length in r2), as flow-hashing and load-balancing programs
     * hash their keys; one dependent xor-multiply chain through every byte (5 instructions per
     * byte, 1500 bytes):
     * <pre>
     *   r0 = FNV_OFFSET ll; r5 = FNV_PRIME ll; r3 = r1; r3 += r2
     * loop:
     *   r4 = *(u8 *)(r1 + 0); r0 ^= r4; r0 *= r5; r1 += 1; if r1 < r3 goto loop
     *   exit
     * </pre>
     */
    public static Instruction[] fnvHash() {
        return new Instruction[] {
            insn(Opcodes.LDDW, 0, 0, 0, (int) FNV_OFFSET),
            insn(0, 0, 0, 0, (int) (FNV_OFFSET >>> 32)),
            insn(Opcodes.LDDW, 5, 0, 0, (int) FNV_PRIME),
            insn(0, 0, 0, 0, (int) (FNV_PRIME >>> 32)),
            insn(ALU64_X | Opcodes.ALU_MOV, 3, 1, 0, 0),
            insn(ALU64_X | Opcodes.ALU_ADD, 3, 2, 0, 0),
            insn(Opcodes.CLASS_LDX | Opcodes.MODE_MEM | Opcodes.SIZE_B, 4, 1, 0, 0),
            insn(ALU64_X | Opcodes.ALU_XOR, 0, 4, 0, 0),
            insn(ALU64_X | Opcodes.ALU_MUL, 0, 5, 0, 0),
            insn(ALU64_K | Opcodes.ALU_ADD, 1, 0, 0, 1),
            insn(Opcodes.CLASS_JMP | Opcodes.SRC_X | Opcodes.JMP_JLT, 1, 3, -5, 0),
            insn(Opcodes.EXIT, 0, 0, 0, 0),
        };
    }

    /** Straight-line arithmetic with forward branches, {@code size} instructions (for compile time). */
    public static Instruction[] straightLine(int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Instruction> out = new ArrayList<>();
        out.add(insn(ALU64_K | Opcodes.ALU_MOV, 0, 0, 0, 1));
        // Stop two slots early so the last forward jump (+1) lands on the exit.
        while (out.size() < size - 2) {
            switch (rnd.nextInt(4)) {
                case 0 -> out.add(insn(ALU64_K | Opcodes.ALU_ADD, 0, 0, 0, rnd.nextInt()));
                case 1 -> out.add(insn(ALU64_K | Opcodes.ALU_MUL, 0, 0, 0, rnd.nextInt()));
                case 2 -> out.add(insn(Opcodes.CLASS_STX | Opcodes.MODE_MEM | Opcodes.SIZE_DW, 10, 0, -8, 0));
                default -> out.add(insn(Opcodes.CLASS_JMP | Opcodes.JMP_JGT, 0, 0, 1, rnd.nextInt(1000)));
            }
        }
        out.add(insn(ALU64_K | Opcodes.ALU_ADD, 0, 0, 0, 1));
        out.add(insn(Opcodes.EXIT, 0, 0, 0, 0));
        return out.toArray(Instruction[]::new);
    }
}
