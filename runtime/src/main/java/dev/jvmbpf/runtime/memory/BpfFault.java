package dev.jvmbpf.runtime.memory;

import dev.jvmbpf.runtime.isa.Disassembler;
import dev.jvmbpf.runtime.isa.Instruction;

/**
 * A run stopped abnormally. This is the only exception that leaves an engine: every other
 * failure inside a run is converted into one of these. Memory faults are raised where the pc is
 * known only by the engine, so the engine attaches pc and instruction with {@link #at}. A fault
 * that stands for a Java exception (a helper that threw, an engine's bug) has it as its cause,
 * stack trace and all; the fault itself records no stack trace (the pc says where it happened).
 */
public final class BpfFault extends RuntimeException {
    /** Marks a fault whose pc is not known yet. */
    public static final int UNKNOWN_PC = -1;

    private final FaultKind kind;
    private final int pc;
    private final Instruction instruction;
    private final long address;
    private final int size;
    private final String detail;

    public BpfFault(FaultKind kind, int pc, Instruction instruction, long address, int size, String detail) {
        this(kind, pc, instruction, address, size, detail, null);
    }

    /** As the other constructor, with the Java exception the fault stands for ({@link #getCause()}). */
    public BpfFault(FaultKind kind, int pc, Instruction instruction, long address, int size, String detail,
            Throwable cause) {
        super(null, cause, false, false);
        this.kind = kind;
        this.pc = pc;
        this.instruction = instruction;
        this.address = address;
        this.size = size;
        this.detail = detail;
    }

    public static BpfFault memory(FaultKind kind, long address, int size, String detail) {
        return new BpfFault(kind, UNKNOWN_PC, null, address, size, detail);
    }

    public static BpfFault of(FaultKind kind, String detail) {
        return new BpfFault(kind, UNKNOWN_PC, null, 0, 0, detail);
    }

    /** A fault without a pc yet that stands for {@code cause}, a Java exception. */
    public static BpfFault of(FaultKind kind, String detail, Throwable cause) {
        return new BpfFault(kind, UNKNOWN_PC, null, 0, 0, detail, cause);
    }

    // The faults that more than one engine (or more than one place in an engine) raises: one text
    // each, so that the interpreter and the JIT say the same.

    /** A bpf-to-bpf call or a callback would need more than {@link AddressSpace#MAX_FRAMES} frames. */
    public static BpfFault callDepth() {
        return of(FaultKind.CALL_DEPTH, "more than " + AddressSpace.MAX_FRAMES + " call frames");
    }

    /** A call of helper {@code id}, which the helper table lacks. */
    public static BpfFault unknownHelper(long id) {
        if (id == dev.jvmbpf.runtime.isa.Opcodes.HELPER_CORE_POISON) {
            return of(FaultKind.HELPER, "unknown helper " + id + " (0xbad2310: the instruction was poisoned because"
                    + " its CO-RE relocation could not be resolved; the object's notes name it)");
        }
        return of(FaultKind.HELPER, "unknown helper " + id);
    }

    /** Helper {@code name} ({@code id}) threw {@code e}, which is no fault of its own. */
    public static BpfFault helperFailed(String name, long id, Exception e) {
        return of(FaultKind.HELPER, "helper " + name + " (" + id + ") failed: " + e, e);
    }

    /** A helper was handed {@code function} as a callback, and no function of the program starts there. */
    public static BpfFault notAFunction(long function) {
        return of(FaultKind.HELPER, "callback 0x" + Long.toHexString(function) + " is no function of the program");
    }

    /** An atomic read-modify-write of {@code width} bytes (the ISA has them for 4 and 8 only). */
    public static BpfFault atomicWidth(int width) {
        return of(FaultKind.INVALID_INSTRUCTION, "atomic operation on " + width + " bytes");
    }

    /** An {@code lddw} that names map {@code index} of a program that has {@code maps} maps. */
    public static BpfFault noSuchMap(int index, int maps) {
        return of(FaultKind.INVALID_INSTRUCTION, "lddw names map " + index + " but the program has " + maps);
    }

    /** The same fault located at {@code pc}; a fault that already has a pc keeps it. */
    public BpfFault at(int pc, Instruction instruction) {
        if (this.pc != UNKNOWN_PC) {
            return this;
        }
        return new BpfFault(kind, pc, instruction, address, size, detail, getCause());
    }

    public FaultKind kind() {
        return kind;
    }

    public int pc() {
        return pc;
    }

    public Instruction instruction() {
        return instruction;
    }

    public long address() {
        return address;
    }

    public int size() {
        return size;
    }

    public String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder();
        sb.append(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        if (pc != UNKNOWN_PC) {
            sb.append(" at pc ").append(pc);
        }
        if (instruction != null) {
            sb.append(" (").append(Disassembler.format(instruction)).append(')');
        }
        if (size != 0) {
            sb.append(": ").append(size).append("-byte access at 0x").append(Long.toHexString(address));
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(size != 0 ? ", " : ": ").append(detail);
        }
        return sb.toString();
    }
}
