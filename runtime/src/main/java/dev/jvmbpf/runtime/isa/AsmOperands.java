package dev.jvmbpf.runtime.isa;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the operands of the conformance assembly syntax: registers, numbers, memory and jump targets. */
final class AsmOperands {
    private static final Pattern REGISTER = Pattern.compile("%?r(\\d+)");
    private static final Pattern MEMORY = Pattern.compile("\\[\\s*(\\S+?)\\s*(?:([+-])\\s*(\\S+?))?\\s*]");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_.$][A-Za-z0-9_.$]*");

    /** A {@code [%rN+offset]} operand. */
    record Memory(int register, int offset) {
    }

    /** A jump or call target: a relative number, or a label resolved later. */
    record Target(int relative, String label) {
    }

    private AsmOperands() {
    }

    static boolean isRegister(String s) {
        return s.startsWith("%") || REGISTER.matcher(s).matches();
    }

    static int register(String s) {
        Matcher m = REGISTER.matcher(s);
        if (!m.matches() || m.group(1).length() > 2 || Integer.parseInt(m.group(1)) > InstructionRules.MAX_REGISTER) {
            throw new AsmSyntaxError("Invalid register " + s + " (expected %r0 to %r10)");
        }
        return Integer.parseInt(m.group(1));
    }

    /** A 32-bit immediate: decimal within the signed range, hex up to 0xffffffff. */
    static int imm32(String s) {
        Number n = number(s, "immediate");
        long limit = n.hex ? 0xffffffffL : Integer.MAX_VALUE;
        if (n.negative ? Long.compareUnsigned(n.magnitude, 1L << 31) > 0 : Long.compareUnsigned(n.magnitude, limit) > 0) {
            throw new AsmSyntaxError("Invalid immediate " + s + ": out of the 32-bit range");
        }
        return (int) (n.negative ? -n.magnitude : n.magnitude);
    }

    /** A 64-bit immediate: any signed or unsigned 64-bit value. */
    static long imm64(String s) {
        Number n = number(s, "immediate");
        if (n.negative && Long.compareUnsigned(n.magnitude, 1L << 63) > 0) {
            throw new AsmSyntaxError("Invalid immediate " + s + ": out of the 64-bit range");
        }
        return n.negative ? -n.magnitude : n.magnitude;
    }

    /** A signed 16-bit offset. */
    static int offset16(String s) {
        Number n = number(s, "offset");
        if (n.negative ? Long.compareUnsigned(n.magnitude, 1L << 15) > 0 : Long.compareUnsigned(n.magnitude, Short.MAX_VALUE) > 0) {
            throw new AsmSyntaxError("Invalid offset " + s + ": out of the signed 16-bit range");
        }
        return (int) (n.negative ? -n.magnitude : n.magnitude);
    }

    static Memory memory(String s) {
        Matcher m = MEMORY.matcher(s);
        if (!m.matches()) {
            throw new AsmSyntaxError("Invalid memory operand " + s + " (expected [%rN+offset])");
        }
        int reg = register(m.group(1));
        if (m.group(2) == null) {
            return new Memory(reg, 0);
        }
        return new Memory(reg, offset16(m.group(2) + m.group(3)));
    }

    /** {@code +N}/{@code -N} relative to the next instruction, or a label. */
    static Target target(String s, boolean wide) {
        if (s.startsWith("+") || s.startsWith("-")) {
            return new Target(wide ? imm32(s) : offset16(s), null);
        }
        if (!LABEL.matcher(s).matches()) {
            throw new AsmSyntaxError("Invalid jump target " + s + " (expected +N, -N or a label)");
        }
        return new Target(0, s);
    }

    private record Number(boolean negative, boolean hex, long magnitude) {
    }

    private static Number number(String s, String what) {
        String t = s;
        boolean negative = false;
        if (t.startsWith("+") || t.startsWith("-")) {
            negative = t.charAt(0) == '-';
            t = t.substring(1);
        }
        boolean hex = t.startsWith("0x") || t.startsWith("0X");
        String digits = hex ? t.substring(2) : t;
        try {
            if (digits.isEmpty() || digits.charAt(0) == '+' || digits.charAt(0) == '-') {
                throw new NumberFormatException();
            }
            return new Number(negative, hex, Long.parseUnsignedLong(digits, hex ? 16 : 10));
        } catch (NumberFormatException e) {
            throw new AsmSyntaxError("Invalid " + what + " " + s + (isRegister(s) ? ": a register is not allowed here" : ""));
        }
    }
}
