package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.verifier.AbstractState.Frame;
import dev.jvmbpf.runtime.verifier.RegValue.Kind;

/** Register values and stack slots in the words of the kernel's verifier log (print_reg_state). */
final class KernelFormat {
    /** The kernel prints numbers in decimal up to these magnitudes, in hex beyond. */
    private static final long UNSIGNED_DECIMAL_MAX = 0xffff;
    private static final long SIGNED_DECIMAL_MIN = Short.MIN_VALUE;
    private static final long SIGNED_DECIMAL_MAX = Short.MAX_VALUE;
    /** The kernel keeps map names of at most 15 characters (BPF_OBJ_NAME_LEN with its NUL). */
    private static final int MAP_NAME_MAX = 15;

    private KernelFormat() {
    }

    static String value(RegValue v, BpfProgram program) {
        if (v.kind() == Kind.SCALAR) {
            Bounds b = v.bounds() != null ? v.bounds() : Bounds.unsigned(v.min(), v.max());
            if (b.isConstant() && !v.imprecise()) {
                return signed(b.value());
            }
            StringBuilder sb = new StringBuilder("scalar(");
            if (!v.imprecise()) {
                ranges(sb, b);
            }
            return sb.append(')').toString();
        }
        if (v.kind() == Kind.STACK && v.fixedOffset()) {
            return "fp" + v.off();
        }
        StringBuilder sb = new StringBuilder(v.kind() == Kind.STACK ? "fp" : v.describe()).append('(');
        if (v.id() != 0 && (v.kind() == Kind.PACKET || v.kind().isNullable())) {
            field(sb, "id=" + v.id());
        }
        boolean map = v.kind() == Kind.MAP_PTR || v.kind() == Kind.MAP_VALUE || v.kind() == Kind.MAP_VALUE_OR_NULL;
        if (map && v.aux() >= 0 && v.aux() < program.maps().size()) {
            MapSpec spec = program.maps().get(v.aux()).spec();
            if (!spec.name().isEmpty()) {
                field(sb, "map=" + spec.name().substring(0, Math.min(MAP_NAME_MAX, spec.name().length())));
            }
            field(sb, "ks=" + spec.keySize() + ",vs=" + spec.valueSize());
        }
        if (v.off() != 0 && v.kind() != Kind.FUNC) {
            field(sb, "off=" + signed(v.off()));
        }
        if (v.kind() == Kind.PACKET || v.kind() == Kind.PACKET_META) {
            field(sb, "r=" + v.range());
        }
        if (!v.fixedOffset()) {
            Bounds b = v.bounds() != null ? v.bounds() : Bounds.unsigned(v.min(), v.max());
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '(') {
                sb.append(',');
            }
            ranges(sb, b);
        }
        return sb.append(')').toString();
    }

    private static void field(StringBuilder sb, String f) {
        if (sb.charAt(sb.length() - 1) != '(') {
            sb.append(',');
        }
        sb.append(f);
    }

    /**
     * The kernel's print_scalar_ranges: each bound that is not its type's extreme, equal bounds
     * named together ({@code smin=smin32=0}), then the known bits unless none is known.
     */
    private static void ranges(StringBuilder sb, Bounds b) {
        String[] names = {"smin", "smax", "umin", "umax", "smin32", "smax32", "umin32", "umax32"};
        long[] vals = {b.smin(), b.smax(), b.umin(), b.umax(), b.s32min(), b.s32max(), b.u32min(), b.u32max()};
        boolean[] omit = {b.smin() == Long.MIN_VALUE, b.smax() == Long.MAX_VALUE, b.umin() == 0, b.umax() == -1L,
            b.s32min() == Integer.MIN_VALUE, b.s32max() == Integer.MAX_VALUE, b.u32min() == 0,
            b.u32max() == Bounds.U32};
        String sep = "";
        int start = sb.length();
        for (int i = 0; i < names.length; i++) {
            if (omit[i]) {
                continue;
            }
            boolean neg = names[i].charAt(0) == 's' && vals[i] < 0;
            sb.append(sep).append(names[i]).append('=');
            sep = ",";
            for (int j = i + 2; j < names.length; j += 2) {
                boolean neg2 = names[j].charAt(0) == 's' && vals[j] < 0;
                if (!omit[j] && neg == neg2 && vals[i] == vals[j]) {
                    sb.append(names[j]).append('=');
                    omit[j] = true;
                }
            }
            sb.append(names[i].charAt(0) == 's' ? signed(vals[i]) : unsigned(vals[i]));
        }
        if (b.mask() != -1L) {
            sb.append(sb.length() > start ? "," : "").append("var_off=").append(tnum(b));
        }
    }

    /** The kernel's tnum_strn of known bits: {@code (0xVALUE; 0xMASK)}. */
    static String tnum(Bounds b) {
        return "(0x" + Long.toHexString(b.value()) + "; 0x" + Long.toHexString(b.mask()) + ")";
    }

    static String signed(long v) {
        return v >= SIGNED_DECIMAL_MIN && v <= SIGNED_DECIMAL_MAX ? Long.toString(v) : "0x" + Long.toHexString(v);
    }

    static String unsigned(long v) {
        return Long.compareUnsigned(v, UNSIGNED_DECIMAL_MAX) <= 0 ? Long.toString(v) : "0x" + Long.toHexString(v);
    }

    /** The slot of 8 bytes at {@code off} (a multiple of 8, r10-relative), or null when nothing was written there. */
    static String slot(Frame f, int off, BpfProgram program) {
        RegValue spilled = f.spill(off);
        if (spilled != null && spilled != RegValue.UNKNOWN) {
            return "fp" + off + "=" + value(spilled, program);
        }
        StringBuilder bytes = new StringBuilder(8);
        boolean any = false;
        // The kernel prints the byte nearest the frame's top first.
        for (int k = 7; k >= 0; k--) {
            boolean written = f.firstUnwritten(off + k, 1) < 0;
            any |= written;
            bytes.append(written ? 'm' : '?');
        }
        return any ? "fp" + off + "=" + bytes : null;
    }
}
