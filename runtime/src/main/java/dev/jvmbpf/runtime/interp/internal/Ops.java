package dev.jvmbpf.runtime.interp.internal;

import dev.jvmbpf.runtime.exec.HelperSpec;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.TailCall;
import dev.jvmbpf.runtime.isa.Opcodes;
import dev.jvmbpf.runtime.memory.AddressSpace;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.memory.FaultKind;

/** The instructions too rare or too long to sit in the dispatch loop itself. */
final class Ops {
    private Ops() {
    }

    static long callHelper(HelperTable helpers, Machine machine, long id, long[] r) {
        HelperSpec helper = helpers.get(id);
        if (helper == null) {
            throw BpfFault.unknownHelper(id);
        }
        try {
            return helper.implementation().call(machine, r[1], r[2], r[3], r[4], r[5]);
        } catch (BpfFault | TailCall f) {
            throw f;
        } catch (Exception e) {
            // Exceptions, checked ones a helper throws sneakily included, are the helper's failure;
            // Errors (stack overflow, out of memory) are the engine's, as for any instruction.
            throw BpfFault.helperFailed(helper.name(), id, e);
        }
    }

    /** Atomic read-modify-write, load-acquire and store-release of the STX/ATOMIC opcodes. */
    static void atomic(AddressSpace memory, int word, int op, long[] r) {
        int width = Opcodes.sizeBytes(word);
        int d = (word >>> 8) & 0xf;
        int s = (word >>> 12) & 0xf;
        long offset = word >> 16;
        switch (op) {
            case Opcodes.ATOMIC_LOAD_ACQ -> r[d] = memory.loadAcquire(r[s] + offset, width);
            case Opcodes.ATOMIC_STORE_REL -> memory.storeRelease(r[d] + offset, width, r[s]);
            default -> {
                if (width < 4) {
                    throw BpfFault.atomicWidth(width);
                }
                long old = memory.atomic(op, r[d] + offset, width, r[s], r[0]);
                if (op == Opcodes.ATOMIC_CMPXCHG) {
                    r[0] = old;
                } else if ((op & Opcodes.ATOMIC_FETCH) != 0) {
                    r[s] = old;
                }
            }
        }
    }

    /** The value of an {@code lddw} whose source names something the loader resolved. */
    static long pseudoConstant(Machine machine, int source, int imm, int nextImm) {
        if ((source == Opcodes.PSEUDO_MAP_IDX || source == Opcodes.PSEUDO_MAP_IDX_VALUE)
                && (imm < 0 || imm >= machine.program().maps().size())) {
            throw BpfFault.noSuchMap(imm, machine.program().maps().size());
        }
        return switch (source) {
            case Opcodes.PSEUDO_MAP_IDX -> Machine.mapHandle(imm);
            case Opcodes.PSEUDO_MAP_IDX_VALUE -> machine.mapValueAddress(imm) + Integer.toUnsignedLong(nextImm);
            default -> throw BpfFault.of(FaultKind.INVALID_INSTRUCTION,
                    "lddw with unresolved source " + source + " (the loader must resolve it)");
        };
    }

    static BpfFault invalid(int word) {
        return BpfFault.of(FaultKind.INVALID_INSTRUCTION, "cannot execute opcode 0x" + Integer.toHexString(word & 0xff));
    }

    static BpfFault kfunc(int imm) {
        return BpfFault.of(FaultKind.INVALID_INSTRUCTION, "kfunc call " + imm + " is not supported");
    }
}
