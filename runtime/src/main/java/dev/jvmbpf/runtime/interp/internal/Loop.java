package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.isa.Alu;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/**
 * The dispatch loop: one {@code switch} on the opcode byte per instruction. Every case is a few
 * bytes of bytecode so the whole method stays well under HotSpot's 8000-byte compilation limit;
 * long or rare instructions call into {@link Ops}.
 *
 * <p>Registers are a {@code long[11]}; 32-bit results are zero-extended with
 * {@code & 0xffffffffL}. Java already masks shift counts to 63 (long) and 31 (int), which is
 * exactly the kernel's rule, and immediates widen from {@code int} with sign extension, as the
 * kernel requires for ALU64 and JMP instructions.
 */
final class Loop {
    private static final long LOW = 0xffffffffL;

    private Loop() {
    }

    /**
     * Runs from {@code start} in frame {@code base} until that frame's function exits. A run of the
     * program starts at pc 0 in frame 0; a callback of a helper starts one frame below its caller.
     */
    static long run(Code code, Callbacks callbacks, Machine machine, int start, int base,
            long r1, long r2, long r3, long r4, long r5) {
        final int[] w = code.words;
        final HelperTable helpers = callbacks.helpers;
        final long[] r = new long[11];
        r[1] = r1;
        r[2] = r2;
        r[3] = r3;
        r[4] = r4;
        r[5] = r5;
        r[10] = AddressSpace.frameTop(base);
        final AddressSpace mem = machine.memory();
        final boolean counting = machine.budget() != 0;
        // Instructions until the next check for an interrupt or a passed deadline; shared with
        // callbacks through the machine around helper calls.
        int tick = machine.countdown();
        Frames frames = null;
        int pc = start;
        try {
            for (;;) {
                if (counting) {
                    machine.charge(1);
                }
                if (--tick < 0) {
                    tick = machine.poll();
                }
                final int word = w[pc << 1];
                final int imm = w[(pc << 1) | 1];
                final int d = (word >>> 8) & 0xf;
                final int s = (word >>> 12) & 0xf;
                switch (word & 0xff) {
                    // ALU64
                    case 0x07 -> r[d] += imm;
                    case 0x0f -> r[d] += r[s];
                    case 0x17 -> r[d] -= imm;
                    case 0x1f -> r[d] -= r[s];
                    case 0x27 -> r[d] *= imm;
                    case 0x2f -> r[d] *= r[s];
                    case 0x37 -> r[d] = (word >> 16) == 0 ? Alu.udiv64(r[d], imm) : Alu.sdiv64(r[d], imm);
                    case 0x3f -> r[d] = (word >> 16) == 0 ? Alu.udiv64(r[d], r[s]) : Alu.sdiv64(r[d], r[s]);
                    case 0x47 -> r[d] |= imm;
                    case 0x4f -> r[d] |= r[s];
                    case 0x57 -> r[d] &= imm;
                    case 0x5f -> r[d] &= r[s];
                    case 0x67 -> r[d] <<= imm;
                    case 0x6f -> r[d] <<= r[s];
                    case 0x77 -> r[d] >>>= imm;
                    case 0x7f -> r[d] >>>= r[s];
                    case 0x87 -> r[d] = -r[d];
                    case 0x97 -> r[d] = (word >> 16) == 0 ? Alu.umod64(r[d], imm) : Alu.smod64(r[d], imm);
                    case 0x9f -> r[d] = (word >> 16) == 0 ? Alu.umod64(r[d], r[s]) : Alu.smod64(r[d], r[s]);
                    case 0xa7 -> r[d] ^= imm;
                    case 0xaf -> r[d] ^= r[s];
                    case 0xb7 -> r[d] = imm;
                    case 0xbf -> r[d] = switch (word >> 16) {
                        case 8 -> (byte) r[s];
                        case 16 -> (short) r[s];
                        case 32 -> (int) r[s];
                        default -> r[s];
                    };
                    case 0xc7 -> r[d] >>= imm;
                    case 0xcf -> r[d] >>= r[s];
                    case 0xd7 -> r[d] = Alu.toBigEndian(r[d], imm);
                    // ALU (32-bit, zero-extending)
                    case 0x04 -> r[d] = ((int) r[d] + imm) & LOW;
                    case 0x0c -> r[d] = ((int) r[d] + (int) r[s]) & LOW;
                    case 0x14 -> r[d] = ((int) r[d] - imm) & LOW;
                    case 0x1c -> r[d] = ((int) r[d] - (int) r[s]) & LOW;
                    case 0x24 -> r[d] = ((int) r[d] * imm) & LOW;
                    case 0x2c -> r[d] = ((int) r[d] * (int) r[s]) & LOW;
                    case 0x34 -> r[d] = (word >> 16) == 0 ? Alu.udiv32(r[d], imm) : Alu.sdiv32(r[d], imm);
                    case 0x3c -> r[d] = (word >> 16) == 0 ? Alu.udiv32(r[d], r[s]) : Alu.sdiv32(r[d], r[s]);
                    case 0x44 -> r[d] = ((int) r[d] | imm) & LOW;
                    case 0x4c -> r[d] = ((int) r[d] | (int) r[s]) & LOW;
                    case 0x54 -> r[d] = ((int) r[d] & imm) & LOW;
                    case 0x5c -> r[d] = ((int) r[d] & (int) r[s]) & LOW;
                    case 0x64 -> r[d] = ((int) r[d] << imm) & LOW;
                    case 0x6c -> r[d] = ((int) r[d] << r[s]) & LOW;
                    case 0x74 -> r[d] = ((int) r[d] >>> imm) & LOW;
                    case 0x7c -> r[d] = ((int) r[d] >>> r[s]) & LOW;
                    case 0x84 -> r[d] = -(int) r[d] & LOW;
                    case 0x94 -> r[d] = (word >> 16) == 0 ? Alu.umod32(r[d], imm) : Alu.smod32(r[d], imm);
                    case 0x9c -> r[d] = (word >> 16) == 0 ? Alu.umod32(r[d], r[s]) : Alu.smod32(r[d], r[s]);
                    case 0xa4 -> r[d] = ((int) r[d] ^ imm) & LOW;
                    case 0xac -> r[d] = ((int) r[d] ^ (int) r[s]) & LOW;
                    case 0xb4 -> r[d] = imm & LOW;
                    case 0xbc -> r[d] = switch (word >> 16) {
                        case 8 -> (byte) r[s];
                        case 16 -> (short) r[s];
                        default -> (int) r[s];
                    } & LOW;
                    case 0xc4 -> r[d] = ((int) r[d] >> imm) & LOW;
                    case 0xcc -> r[d] = ((int) r[d] >> r[s]) & LOW;
                    case 0xd4 -> r[d] = Alu.toLittleEndian(r[d], imm);
                    case 0xdc -> r[d] = Alu.toBigEndian(r[d], imm);
                    // JMP (64-bit compares, immediates sign-extended)
                    case 0x05 -> pc += word >> 16;
                    case 0x15 -> pc += r[d] == imm ? word >> 16 : 0;
                    case 0x1d -> pc += r[d] == r[s] ? word >> 16 : 0;
                    case 0x25 -> pc += Long.compareUnsigned(r[d], imm) > 0 ? word >> 16 : 0;
                    case 0x2d -> pc += Long.compareUnsigned(r[d], r[s]) > 0 ? word >> 16 : 0;
                    case 0x35 -> pc += Long.compareUnsigned(r[d], imm) >= 0 ? word >> 16 : 0;
                    case 0x3d -> pc += Long.compareUnsigned(r[d], r[s]) >= 0 ? word >> 16 : 0;
                    case 0x45 -> pc += (r[d] & imm) != 0 ? word >> 16 : 0;
                    case 0x4d -> pc += (r[d] & r[s]) != 0 ? word >> 16 : 0;
                    case 0x55 -> pc += r[d] != imm ? word >> 16 : 0;
                    case 0x5d -> pc += r[d] != r[s] ? word >> 16 : 0;
                    case 0x65 -> pc += r[d] > imm ? word >> 16 : 0;
                    case 0x6d -> pc += r[d] > r[s] ? word >> 16 : 0;
                    case 0x75 -> pc += r[d] >= imm ? word >> 16 : 0;
                    case 0x7d -> pc += r[d] >= r[s] ? word >> 16 : 0;
                    case 0xa5 -> pc += Long.compareUnsigned(r[d], imm) < 0 ? word >> 16 : 0;
                    case 0xad -> pc += Long.compareUnsigned(r[d], r[s]) < 0 ? word >> 16 : 0;
                    case 0xb5 -> pc += Long.compareUnsigned(r[d], imm) <= 0 ? word >> 16 : 0;
                    case 0xbd -> pc += Long.compareUnsigned(r[d], r[s]) <= 0 ? word >> 16 : 0;
                    case 0xc5 -> pc += r[d] < imm ? word >> 16 : 0;
                    case 0xcd -> pc += r[d] < r[s] ? word >> 16 : 0;
                    case 0xd5 -> pc += r[d] <= imm ? word >> 16 : 0;
                    case 0xdd -> pc += r[d] <= r[s] ? word >> 16 : 0;
                    // JMP32 (low halves only)
                    case 0x06 -> pc += imm;
                    case 0x16 -> pc += (int) r[d] == imm ? word >> 16 : 0;
                    case 0x1e -> pc += (int) r[d] == (int) r[s] ? word >> 16 : 0;
                    case 0x26 -> pc += Integer.compareUnsigned((int) r[d], imm) > 0 ? word >> 16 : 0;
                    case 0x2e -> pc += Integer.compareUnsigned((int) r[d], (int) r[s]) > 0 ? word >> 16 : 0;
                    case 0x36 -> pc += Integer.compareUnsigned((int) r[d], imm) >= 0 ? word >> 16 : 0;
                    case 0x3e -> pc += Integer.compareUnsigned((int) r[d], (int) r[s]) >= 0 ? word >> 16 : 0;
                    case 0x46 -> pc += ((int) r[d] & imm) != 0 ? word >> 16 : 0;
                    case 0x4e -> pc += ((int) r[d] & (int) r[s]) != 0 ? word >> 16 : 0;
                    case 0x56 -> pc += (int) r[d] != imm ? word >> 16 : 0;
                    case 0x5e -> pc += (int) r[d] != (int) r[s] ? word >> 16 : 0;
                    case 0x66 -> pc += (int) r[d] > imm ? word >> 16 : 0;
                    case 0x6e -> pc += (int) r[d] > (int) r[s] ? word >> 16 : 0;
                    case 0x76 -> pc += (int) r[d] >= imm ? word >> 16 : 0;
                    case 0x7e -> pc += (int) r[d] >= (int) r[s] ? word >> 16 : 0;
                    case 0xa6 -> pc += Integer.compareUnsigned((int) r[d], imm) < 0 ? word >> 16 : 0;
                    case 0xae -> pc += Integer.compareUnsigned((int) r[d], (int) r[s]) < 0 ? word >> 16 : 0;
                    case 0xb6 -> pc += Integer.compareUnsigned((int) r[d], imm) <= 0 ? word >> 16 : 0;
                    case 0xbe -> pc += Integer.compareUnsigned((int) r[d], (int) r[s]) <= 0 ? word >> 16 : 0;
                    case 0xc6 -> pc += (int) r[d] < imm ? word >> 16 : 0;
                    case 0xce -> pc += (int) r[d] < (int) r[s] ? word >> 16 : 0;
                    case 0xd6 -> pc += (int) r[d] <= imm ? word >> 16 : 0;
                    case 0xde -> pc += (int) r[d] <= (int) r[s] ? word >> 16 : 0;
                    // Calls, exit, may_goto
                    case 0x85 -> {
                        if (s == Opcodes.CALL_HELPER) {
                            callbacks.callerDepth = frames == null ? base : frames.depth;
                            machine.setCountdown(tick);
                            r[0] = Ops.callHelper(helpers, machine, imm, r);
                            tick = machine.countdown();
                        } else if (s == Opcodes.CALL_LOCAL) {
                            if (frames == null) {
                                frames = new Frames(base);
                            }
                            pc = frames.enter(pc, pc + imm + 1, r, mem);
                            continue;
                        } else {
                            throw Ops.kfunc(imm);
                        }
                    }
                    case 0x8d -> {
                        callbacks.callerDepth = frames == null ? base : frames.depth;
                        machine.setCountdown(tick);
                        r[0] = Ops.callHelper(helpers, machine, r[d], r);
                        tick = machine.countdown();
                    }
                    case 0x95 -> {
                        if (frames == null || frames.depth == base) {
                            machine.setCountdown(tick);
                            return r[0];
                        }
                        pc = frames.leave(r);
                        continue;
                    }
                    case 0xe5 -> {
                        if (frames == null) {
                            frames = new Frames(base);
                        }
                        pc += frames.mayGotoExhausted() ? word >> 16 : 0;
                    }
                    // Loads and stores
                    case 0x61 -> r[d] = mem.load(r[s] + (word >> 16), 4);
                    case 0x69 -> r[d] = mem.load(r[s] + (word >> 16), 2);
                    case 0x71 -> r[d] = mem.load(r[s] + (word >> 16), 1);
                    case 0x79 -> r[d] = mem.load(r[s] + (word >> 16), 8);
                    case 0x81 -> r[d] = (int) mem.load(r[s] + (word >> 16), 4);
                    case 0x89 -> r[d] = (short) mem.load(r[s] + (word >> 16), 2);
                    case 0x91 -> r[d] = (byte) mem.load(r[s] + (word >> 16), 1);
                    case 0x62 -> mem.store(r[d] + (word >> 16), 4, imm);
                    case 0x6a -> mem.store(r[d] + (word >> 16), 2, imm);
                    case 0x72 -> mem.store(r[d] + (word >> 16), 1, imm);
                    case 0x7a -> mem.store(r[d] + (word >> 16), 8, imm);
                    case 0x63 -> mem.store(r[d] + (word >> 16), 4, r[s]);
                    case 0x6b -> mem.store(r[d] + (word >> 16), 2, r[s]);
                    case 0x73 -> mem.store(r[d] + (word >> 16), 1, r[s]);
                    case 0x7b -> mem.store(r[d] + (word >> 16), 8, r[s]);
                    case 0xc3, 0xdb, 0xcb, 0xd3 -> Ops.atomic(mem, word, imm, r);
                    case 0x18 -> {
                        r[d] = s == Opcodes.PSEUDO_NONE || s == Opcodes.PSEUDO_FUNC ? code.constants[pc]
                                : Ops.pseudoConstant(machine, s, imm, w[((pc + 1) << 1) | 1]);
                        pc++;
                    }
                    // Legacy packet loads: big-endian; outside the packet the program ends with 0.
                    case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> {
                        int offset = (word & Opcodes.MODE_IND) != 0 ? (int) r[s] + imm : imm;
                        long v = machine.loadPacket(offset, Opcodes.sizeBytes(word));
                        if (v < 0) {
                            return 0;
                        }
                        r[0] = v;
                    }
                    default -> throw Ops.invalid(word);
                }
                pc++;
            }
        } catch (BpfFault f) {
            throw f.at(pc, code.instruction(pc));
        } catch (TailCall t) {
            throw t;
        } catch (Throwable t) {
            throw new BpfFault(FaultKind.INTERNAL, pc, code.instruction(pc), 0, 0, t.toString(), t);
        }
    }
}
