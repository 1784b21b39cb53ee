package dev.jvmbpf.runtime.verifier;

import dev.jvmbpf.runtime.isa.Opcodes;

/**
 * What is known of a scalar, as the kernel's verifier tracks it: known bits (a tnum: {@code value}
 * holds the known bits, {@code mask} the unknown ones) and four ranges, unsigned and signed, of
 * the 64-bit value and of its low 32 bits. Every instance is synchronised (each range as tight as
 * the others and the known bits allow), which is the kernel's {@code reg_bounds_sync}. Unsigned
 * 64-bit bounds compare unsigned; the 32-bit bounds are held zero-extended ({@code u32min},
 * {@code u32max}) and sign-extended ({@code s32min}, {@code s32max}).
 */
record Bounds(long value, long mask, long umin, long umax, long smin, long smax, long u32min, long u32max,
        long s32min, long s32max) {
    static final long U32 = 0xffffffffL;
    static final Bounds UNKNOWN = new Bounds(0, -1L, 0, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0, U32,
            Integer.MIN_VALUE, Integer.MAX_VALUE);

    static Bounds constant(long v) {
        return new Bounds(v, 0, v, v, v, v, v & U32, v & U32, (int) v, (int) v);
    }

    /** Any value in the unsigned range [lo, hi]. */
    static Bounds unsigned(long lo, long hi) {
        return UNKNOWN.with64(lo, hi, Long.MIN_VALUE, Long.MAX_VALUE).sync();
    }

    boolean isConstant() {
        return mask == 0;
    }

    private Bounds with64(long umin, long umax, long smin, long smax) {
        return new Bounds(value, mask, umin, umax, smin, smax, u32min, u32max, s32min, s32max);
    }

    private Bounds with32(long u32min, long u32max, long s32min, long s32max) {
        return new Bounds(value, mask, umin, umax, smin, smax, u32min, u32max, s32min, s32max);
    }

    private Bounds withTnum(long v, long m) {
        return new Bounds(v & ~m, m, umin, umax, smin, smax, u32min, u32max, s32min, s32max);
    }

    /** Whether every value this allows is also allowed by... the other way: whether {@code this} contains {@code o}. */
    boolean covers(Bounds o) {
        return ule(umin, o.umin) && ule(o.umax, umax) && smin <= o.smin && o.smax <= smax
                && u32min <= o.u32min && o.u32max <= u32max && s32min <= o.s32min && o.s32max <= s32max
                && (mask & o.mask) == o.mask && ((value ^ o.value) & ~mask) == 0;
    }

    /** A bound covering both. */
    Bounds join(Bounds o) {
        long m = mask | o.mask | (value ^ o.value);
        return new Bounds(value & ~m, m, ult(umin, o.umin) ? umin : o.umin, ult(umax, o.umax) ? o.umax : umax,
                Math.min(smin, o.smin), Math.max(smax, o.smax), Math.min(u32min, o.u32min),
                Math.max(u32max, o.u32max), Math.min(s32min, o.s32min), Math.max(s32max, o.s32max));
    }

    static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    static boolean ule(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    private static long umaxOf(long a, long b) {
        return ult(a, b) ? b : a;
    }

    private static long uminOf(long a, long b) {
        return ult(a, b) ? a : b;
    }

    // ------------------------------------------------------------------ tnum

    /** The known bits of the unsigned range [lo, hi]. */
    static long[] tnumRange(long lo, long hi) {
        long chi = lo ^ hi;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return new long[] {0, -1L};
        }
        long delta = (1L << bits) - 1;
        return new long[] {lo & ~delta, delta};
    }

    private static long[] tAdd(long av, long am, long bv, long bm) {
        long sm = am + bm;
        long sv = av + bv;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | am | bm;
        return new long[] {sv & ~mu, mu};
    }

    private static long[] tSub(long av, long am, long bv, long bm) {
        long dv = av - bv;
        long alpha = dv + am;
        long beta = dv - bm;
        long chi = alpha ^ beta;
        long mu = chi | am | bm;
        return new long[] {dv & ~mu, mu};
    }

    private static long[] tMul(long av, long am, long bv, long bm) {
        long accV = av * bv;
        long[] acc = {0, 0};
        while (av != 0 || am != 0) {
            if ((av & 1) != 0) {
                acc = tAdd(acc[0], acc[1], 0, bm);
            } else if ((am & 1) != 0) {
                acc = tAdd(acc[0], acc[1], 0, bv | bm);
            }
            av >>>= 1;
            am >>>= 1;
            bv <<= 1;
            bm <<= 1;
        }
        return tAdd(accV, 0, acc[0], acc[1]);
    }

    // ------------------------------------------------------------------ synchronisation

    /** The kernel's reg_bounds_sync: ranges from the known bits, ranges from each other, known bits from ranges. */
    Bounds sync() {
        Bounds b = this;
        for (int i = 0; i < 3; i++) {
            Bounds n = b.fromTnum().deduce32().deduce64().deduceMixed().deduce64().boundOffset().fromTnum();
            if (n.equals(b)) {
                break;
            }
            b = n;
        }
        return b;
    }

    /** Whether no value satisfies these bounds (a dead path). */
    boolean empty() {
        return ult(umax, umin) || smax < smin || u32max < u32min || s32max < s32min || ult(umax, value)
                || ult(value | mask, umin);
    }

    private Bounds fromTnum() {
        long v32 = value & U32;
        long m32 = mask & U32;
        long s32lo = (int) (v32 | (m32 & 0x80000000L));
        long s32hi = (int) (v32 | (m32 & 0x7fffffffL));
        long nu32min = Math.max(u32min, v32);
        long nu32max = Math.min(u32max, v32 | m32);
        long ns32min = Math.max(s32min, s32lo);
        long ns32max = Math.min(s32max, s32hi);
        long slo = value | (mask & Long.MIN_VALUE);
        long shi = value | (mask & Long.MAX_VALUE);
        return new Bounds(value, mask, umaxOf(umin, value), uminOf(umax, value | mask), Math.max(smin, slo),
                Math.min(smax, shi), nu32min, nu32max, ns32min, ns32max);
    }

    private Bounds deduce32() {
        long nu32min = u32min;
        long nu32max = u32max;
        long ns32min = s32min;
        long ns32max = s32max;
        if ((umin >>> 32) == (umax >>> 32)) {
            nu32min = Math.max(nu32min, umin & U32);
            nu32max = Math.min(nu32max, umax & U32);
            if ((int) umin <= (int) umax) {
                ns32min = Math.max(ns32min, (int) umin);
                ns32max = Math.min(ns32max, (int) umax);
            }
        }
        if ((smin >>> 32) == (smax >>> 32)) {
            nu32min = Math.max(nu32min, smin & U32);
            nu32max = Math.min(nu32max, smax & U32);
            if ((int) smin <= (int) smax) {
                ns32min = Math.max(ns32min, (int) smin);
                ns32max = Math.min(ns32max, (int) smax);
            }
        }
        if ((umin >>> 32) + 1 == (umax >>> 32) && (int) umin < 0 && (int) umax >= 0) {
            ns32min = Math.max(ns32min, (int) umin);
            ns32max = Math.min(ns32max, (int) umax);
        }
        if ((smin >> 32) + 1 == (smax >> 32) && (int) smin < 0 && (int) smax >= 0) {
            ns32min = Math.max(ns32min, (int) smin);
            ns32max = Math.min(ns32max, (int) smax);
        }
        // The u32 range as s32 when it does not cross the sign boundary, and back.
        if ((int) nu32min <= (int) nu32max) {
            ns32min = Math.max(ns32min, (int) nu32min);
            ns32max = Math.min(ns32max, (int) nu32max);
        }
        if ((ns32min & U32) <= (ns32max & U32)) {
            nu32min = Math.max(nu32min, ns32min & U32);
            nu32max = Math.min(nu32max, ns32max & U32);
        } else if (nu32max < (ns32min & U32)) {
            // the s32 range crosses the sign boundary and its negative part is above u32max
            ns32min = Math.max(ns32min, (int) nu32min);
            nu32max = Math.min(nu32max, ns32max);
        } else if ((ns32max & U32) < nu32min) {
            // ... or its non-negative part is below u32min
            ns32max = Math.min(ns32max, (int) nu32max);
            nu32min = Math.max(nu32min, ns32min & U32);
        }
        return with32(nu32min, nu32max, ns32min, ns32max);
    }

    private Bounds deduce64() {
        long nsmin = smin;
        long nsmax = smax;
        long numin = umin;
        long numax = umax;
        if (numin <= numax) { // the unsigned range as signed does not cross the sign boundary
            nsmin = Math.max(nsmin, numin);
            nsmax = Math.min(nsmax, numax);
        }
        if (ule(nsmin, nsmax)) {
            numin = umaxOf(numin, nsmin);
            numax = uminOf(numax, nsmax);
        } else if (ult(numax, nsmin)) {
            // [smin, -1] is above umax: the value is in [0, smax]
            nsmin = Math.max(nsmin, numin); // numin < 2^63 here
            numax = uminOf(numax, nsmax);
        } else if (ult(nsmax, numin)) {
            // [0, smax] is below umin: the value is in [smin, -1]
            nsmax = Math.min(nsmax, numax); // numax >= 2^63 here, negative as signed
            numin = umaxOf(numin, nsmin);
        }
        return with64(numin, numax, nsmin, nsmax);
    }

    private Bounds deduceMixed() {
        long numin = umaxOf(umin, (umin & ~U32) | u32min);
        long numax = uminOf(umax, (umax & ~U32) | u32max);
        long nsmin = Math.max(smin, (smin & ~U32) | u32min);
        long nsmax = Math.min(smax, (smax & ~U32) | u32max);
        // When the 64-bit value fits in s32 and the low half is non-negative, the halves agree.
        if (s32min >= 0 && nsmin >= Integer.MIN_VALUE && nsmax <= Integer.MAX_VALUE) {
            nsmin = Math.max(nsmin, s32min);
            nsmax = Math.min(nsmax, s32max);
            numin = umaxOf(numin, s32min);
            numax = uminOf(numax, s32max);
        }
        return with64(numin, numax, nsmin, nsmax);
    }

    /** The kernel's __reg_bound_offset: known bits from the unsigned ranges. */
    private Bounds boundOffset() {
        long[] r64 = tnumRange(umin, umax);
        long v = value | r64[0];
        long m = mask & r64[1];
        v &= ~m;
        long[] r32 = tnumRange(u32min, u32max);
        long v32 = (v | r32[0]) & U32;
        long m32 = m & r32[1] & U32;
        v32 &= ~m32;
        return withTnum((v & ~U32) | v32, (m & ~U32) | m32);
    }

    // ------------------------------------------------------------------ arithmetic

    /** The low 32 bits, zero-extended (a 32-bit mov, the result of any 32-bit operation). */
    Bounds zext32() {
        return new Bounds(value & U32, mask & U32, u32min, u32max, u32min, u32max, u32min, u32max, s32min, s32max)
                .sync();
    }

    /** Sign extension of the low {@code bits} bits to 64 bits ({@code is64}) or to 32 bits, zero-extended. */
    Bounds signExtend(int bits, boolean is64) {
        long half = 1L << (bits - 1);
        long low = (1L << bits) - 1;
        Bounds r;
        if (isConstant()) {
            long v = value & low;
            v = (v ^ half) - half;
            r = constant(v);
        } else if (bits == 32 || (umin >>> bits) == (umax >>> bits)) {
            // the low bits range over [lo, hi]: exact when their sign bit is the same throughout
            long lo = bits == 32 ? u32min : umin & low;
            long hi = bits == 32 ? u32max : umax & low;
            if (((lo ^ hi) & half) == 0) {
                r = UNKNOWN.with64(0, -1L, (lo ^ half) - half, (hi ^ half) - half).sync();
            } else {
                r = new Bounds(0, -1L, 0, -1L, -half, half - 1, 0, U32, Math.max(-half, Integer.MIN_VALUE),
                        Math.min(half - 1, Integer.MAX_VALUE)).sync();
            }
        } else {
            r = new Bounds(0, -1L, 0, -1L, -half, half - 1, 0, U32, Math.max(-half, Integer.MIN_VALUE),
                    Math.min(half - 1, Integer.MAX_VALUE)).sync();
        }
        return is64 ? r : r.zext32();
    }

    /** {@code this op s} on 64 bits, or on the low 32 bits zero-extended; null when the kernel marks it unknown. */
    Bounds alu(int op, Bounds s, boolean is64) {
        int bits = is64 ? 64 : 32;
        boolean srcConst = is64 ? s.isConstant() : (s.mask & U32) == 0;
        switch (op) {
            case Opcodes.ALU_ADD, Opcodes.ALU_SUB, Opcodes.ALU_MUL, Opcodes.ALU_AND, Opcodes.ALU_OR, Opcodes.ALU_XOR -> {
            }
            case Opcodes.ALU_LSH, Opcodes.ALU_RSH, Opcodes.ALU_ARSH -> {
                long k = is64 ? s.value : s.value & U32;
                if (!srcConst || Long.compareUnsigned(k, bits) >= 0) {
                    return null;
                }
            }
            default -> {
                return null;
            }
        }
        return is64 ? alu64(op, s) : alu32(op, s);
    }

    private Bounds alu64(int op, Bounds s) {
        long[] t;
        long numin = 0;
        long numax = -1L;
        long nsmin = Long.MIN_VALUE;
        long nsmax = Long.MAX_VALUE;
        switch (op) {
            case Opcodes.ALU_ADD -> {
                t = tAdd(value, mask, s.value, s.mask);
                long lo = umin + s.umin;
                long hi = umax + s.umax;
                boolean loWraps = ult(lo, umin);
                boolean hiWraps = ult(hi, umax);
                if (loWraps == hiWraps && ule(lo, hi)) {
                    numin = lo;
                    numax = hi;
                }
                long slo = smin + s.smin;
                long shi = smax + s.smax;
                boolean sloOv = ((smin ^ slo) & (s.smin ^ slo)) < 0;
                boolean shiOv = ((smax ^ shi) & (s.smax ^ shi)) < 0;
                if (!sloOv && !shiOv) {
                    nsmin = slo;
                    nsmax = shi;
                }
            }
            case Opcodes.ALU_SUB -> {
                t = tSub(value, mask, s.value, s.mask);
                if (ule(s.umax, umin)) {
                    numin = umin - s.umax;
                    numax = umax - s.umin;
                }
                long slo = smin - s.smax;
                long shi = smax - s.smin;
                boolean sloOv = ((smin ^ s.smax) & (smin ^ slo)) < 0;
                boolean shiOv = ((smax ^ s.smin) & (smax ^ shi)) < 0;
                if (!sloOv && !shiOv) {
                    nsmin = slo;
                    nsmax = shi;
                }
            }
            case Opcodes.ALU_MUL -> {
                t = tMul(value, mask, s.value, s.mask);
                if (Math.unsignedMultiplyHigh(umax, s.umax) == 0) {
                    numin = umin * s.umin;
                    numax = umax * s.umax;
                }
                try {
                    long a = Math.multiplyExact(smin, s.smin);
                    long b = Math.multiplyExact(smin, s.smax);
                    long c = Math.multiplyExact(smax, s.smin);
                    long d = Math.multiplyExact(smax, s.smax);
                    nsmin = Math.min(Math.min(a, b), Math.min(c, d));
                    nsmax = Math.max(Math.max(a, b), Math.max(c, d));
                } catch (ArithmeticException e) {
                    // overflow: unbounded
                }
            }
            case Opcodes.ALU_AND -> {
                long v = value & s.value;
                t = new long[] {v, (value | mask) & (s.value | s.mask) & ~v};
                numin = t[0];
                numax = uminOf(umax, s.umax);
                if ((smin | s.smin) >= 0) {
                    nsmin = numin;
                    nsmax = numax;
                }
            }
            case Opcodes.ALU_OR -> {
                long v = value | s.value;
                t = new long[] {v, (mask | s.mask) & ~v};
                numin = umaxOf(umin, s.umin);
                numax = t[0] | t[1];
                if ((smin | s.smin) >= 0) {
                    nsmin = numin;
                    nsmax = numax;
                }
            }
            case Opcodes.ALU_XOR -> {
                long m = mask | s.mask;
                t = new long[] {(value ^ s.value) & ~m, m};
                numin = t[0];
                numax = t[0] | t[1];
                if (smin >= 0 && s.smin >= 0) {
                    nsmin = numin;
                    nsmax = numax;
                }
            }
            case Opcodes.ALU_LSH -> {
                int k = (int) s.value;
                t = new long[] {value << k, mask << k};
                if (ule(umax, -1L >>> k)) {
                    numin = umin << k;
                    numax = umax << k;
                }
            }
            case Opcodes.ALU_RSH -> {
                int k = (int) s.value;
                t = new long[] {value >>> k, mask >>> k};
                numin = umin >>> k;
                numax = umax >>> k;
            }
            default -> { // ARSH
                int k = (int) s.value;
                t = new long[] {value >> k, mask >> k};
                nsmin = smin >> k;
                nsmax = smax >> k;
            }
        }
        return new Bounds(t[0] & ~t[1], t[1], numin, numax, nsmin, nsmax, 0, U32, Integer.MIN_VALUE,
                Integer.MAX_VALUE).sync();
    }

    private Bounds alu32(int op, Bounds s) {
        long av = value & U32;
        long am = mask & U32;
        long bv = s.value & U32;
        long bm = s.mask & U32;
        long[] t;
        long numin = 0;
        long numax = U32;
        long nsmin = Integer.MIN_VALUE;
        long nsmax = Integer.MAX_VALUE;
        switch (op) {
            case Opcodes.ALU_ADD -> {
                t = tAdd(av, am, bv, bm);
                long lo = u32min + s.u32min;
                long hi = u32max + s.u32max;
                if ((lo >>> 32) == (hi >>> 32)) {
                    numin = lo & U32;
                    numax = hi & U32;
                }
                long slo = s32min + s.s32min;
                long shi = s32max + s.s32max;
                if (slo == (int) slo && shi == (int) shi) {
                    nsmin = slo;
                    nsmax = shi;
                }
            }
            case Opcodes.ALU_SUB -> {
                t = tSub(av, am, bv, bm);
                if (s.u32max <= u32min) {
                    numin = u32min - s.u32max;
                    numax = u32max - s.u32min;
                }
                long slo = s32min - s.s32max;
                long shi = s32max - s.s32min;
                if (slo == (int) slo && shi == (int) shi) {
                    nsmin = slo;
                    nsmax = shi;
                }
            }
            case Opcodes.ALU_MUL -> {
                t = tMul(av, am, bv, bm);
                if (Long.compareUnsigned(u32max * s.u32max, U32) <= 0) {
                    numin = u32min * s.u32min;
                    numax = u32max * s.u32max;
                }
                long a = s32min * s.s32min;
                long b = s32min * s.s32max;
                long c = s32max * s.s32min;
                long d = s32max * s.s32max;
                long lo = Math.min(Math.min(a, b), Math.min(c, d));
                long hi = Math.max(Math.max(a, b), Math.max(c, d));
                if (lo == (int) lo && hi == (int) hi) {
                    nsmin = lo;
                    nsmax = hi;
                }
            }
            case Opcodes.ALU_AND -> {
                long v = av & bv;
                t = new long[] {v, (av | am) & (bv | bm) & ~v};
                numin = t[0];
                numax = Math.min(u32max, s.u32max);
                if ((s32min | s.s32min) >= 0) {
                    nsmin = numin;
                    nsmax = numax;
                }
            }
            case Opcodes.ALU_OR -> {
                long v = av | bv;
                t = new long[] {v, (am | bm) & ~v};
                numin = Math.max(u32min, s.u32min);
                numax = t[0] | t[1];
                if ((s32min | s.s32min) >= 0) {
                    nsmin = numin;
                    nsmax = numax;
                }
            }
            case Opcodes.ALU_XOR -> {
                long m = am | bm;
                t = new long[] {(av ^ bv) & ~m, m};
                numin = t[0];
                numax = t[0] | t[1];
                if (s32min >= 0 && s.s32min >= 0) {
                    nsmin = numin;
                    nsmax = numax;
                }
            }
            case Opcodes.ALU_LSH -> {
                int k = (int) bv;
                t = new long[] {(av << k) & U32, (am << k) & U32};
                if (u32max <= (U32 >>> k)) {
                    numin = u32min << k;
                    numax = u32max << k;
                }
            }
            case Opcodes.ALU_RSH -> {
                int k = (int) bv;
                t = new long[] {av >>> k, am >>> k};
                numin = u32min >>> k;
                numax = u32max >>> k;
            }
            default -> { // ARSH
                int k = (int) bv;
                t = new long[] {((int) av >> k) & U32, ((int) am >> k) & U32};
                nsmin = s32min >> k;
                nsmax = s32max >> k;
            }
        }
        t[0] &= U32;
        t[1] &= U32;
        // zero-extended result: 64-bit ranges are the u32 range
        return new Bounds(t[0] & ~t[1], t[1], 0, U32, 0, U32, numin, numax, nsmin, nsmax).sync().zext32();
    }

    // ------------------------------------------------------------------ branches

    private long lo(boolean signed, boolean is32) {
        return is32 ? signed ? s32min : u32min : signed ? smin : umin;
    }

    private long hi(boolean signed, boolean is32) {
        return is32 ? signed ? s32max : u32max : signed ? smax : umax;
    }

    /** a < b in the comparison's domain: signed, or unsigned (64-bit unsigned compare; 32-bit values are zero-extended). */
    private static boolean less(long a, long b, boolean signed, boolean is32) {
        return signed || is32 ? a < b : ult(a, b);
    }

    /** TRUE or FALSE when {@code this op o} is decided by the bounds, else null (the kernel's is_branch_taken). */
    Boolean decide(int op, Bounds o, boolean is32) {
        long av = is32 ? value & U32 : value;
        long am = is32 ? mask & U32 : mask;
        long bv = is32 ? o.value & U32 : o.value;
        long bm = is32 ? o.mask & U32 : o.mask;
        switch (op) {
            case Opcodes.JMP_JEQ, Opcodes.JMP_JNE -> {
                boolean differ = ((av ^ bv) & ~(am | bm)) != 0
                        || less(hi(false, is32), o.lo(false, is32), false, is32)
                        || less(o.hi(false, is32), lo(false, is32), false, is32)
                        || hi(true, is32) < o.lo(true, is32) || o.hi(true, is32) < lo(true, is32);
                boolean same = am == 0 && bm == 0 && av == bv;
                if (differ) {
                    return op == Opcodes.JMP_JNE;
                }
                return same ? op == Opcodes.JMP_JEQ : null;
            }
            case Opcodes.JMP_JSET -> {
                if ((av & bv) != 0) {
                    return true;
                }
                if (((av | am) & (bv | bm)) == 0) {
                    return false;
                }
                return null;
            }
            default -> {
            }
        }
        boolean signed = op == Opcodes.JMP_JSGT || op == Opcodes.JMP_JSGE || op == Opcodes.JMP_JSLT
                || op == Opcodes.JMP_JSLE;
        long alo = lo(signed, is32);
        long ahi = hi(signed, is32);
        long blo = o.lo(signed, is32);
        long bhi = o.hi(signed, is32);
        return switch (op) {
            case Opcodes.JMP_JGT, Opcodes.JMP_JSGT -> less(bhi, alo, signed, is32) ? Boolean.TRUE
                    : !less(blo, ahi, signed, is32) ? Boolean.FALSE : null;
            case Opcodes.JMP_JGE, Opcodes.JMP_JSGE -> !less(alo, bhi, signed, is32) ? Boolean.TRUE
                    : less(ahi, blo, signed, is32) ? Boolean.FALSE : null;
            case Opcodes.JMP_JLT, Opcodes.JMP_JSLT -> less(ahi, blo, signed, is32) ? Boolean.TRUE
                    : !less(alo, bhi, signed, is32) ? Boolean.FALSE : null;
            case Opcodes.JMP_JLE, Opcodes.JMP_JSLE -> !less(blo, ahi, signed, is32) ? Boolean.TRUE
                    : less(bhi, alo, signed, is32) ? Boolean.FALSE : null;
            default -> null;
        };
    }

    /**
     * Both operands narrowed by knowing that {@code this op o} holds (the kernel's
     * regs_refine_cond_op then reg_bounds_sync); null when that cannot hold.
     */
    Bounds[] refine(int op, Bounds o, boolean is32) {
        Bounds a = this;
        Bounds b = o;
        switch (op) {
            case Opcodes.JMP_JEQ -> {
                if (is32) {
                    long lo = Math.max(a.u32min, b.u32min);
                    long hi = Math.min(a.u32max, b.u32max);
                    long slo = Math.max(a.s32min, b.s32min);
                    long shi = Math.min(a.s32max, b.s32max);
                    long m = a.mask & b.mask & U32;
                    long v = ((a.value | b.value) & U32) & ~m;
                    a = a.with32(lo, hi, slo, shi).withTnum((a.value & ~U32) | v, (a.mask & ~U32) | m);
                    b = b.with32(lo, hi, slo, shi).withTnum((b.value & ~U32) | v, (b.mask & ~U32) | m);
                } else {
                    long m = a.mask & b.mask;
                    long v = (a.value | b.value) & ~m;
                    a = new Bounds(v, m, umaxOf(a.umin, b.umin), uminOf(a.umax, b.umax), Math.max(a.smin, b.smin),
                            Math.min(a.smax, b.smax), Math.max(a.u32min, b.u32min), Math.min(a.u32max, b.u32max),
                            Math.max(a.s32min, b.s32min), Math.min(a.s32max, b.s32max));
                    b = a;
                }
            }
            case Opcodes.JMP_JNE -> {
                if (b.constIn(is32)) {
                    a = a.exclude(b.value, is32);
                } else if (a.constIn(is32)) {
                    b = b.exclude(a.value, is32);
                }
            }
            case Opcodes.JMP_JSET -> {
                // taken: nothing the kernel keeps unless a single bit is tested
                if (b.constIn(is32)) {
                    long c = is32 ? b.value & U32 : b.value;
                    if (c != 0 && (c & (c - 1)) == 0) {
                        a = a.withTnum(a.value | c, a.mask & ~c);
                    }
                }
            }
            case JSET_FALSE -> {
                if (b.constIn(is32)) {
                    long c = is32 ? b.value & U32 : b.value;
                    a = a.withTnum(a.value & ~c, a.mask & ~c);
                }
            }
            case Opcodes.JMP_JGE, Opcodes.JMP_JGT, Opcodes.JMP_JSGE, Opcodes.JMP_JSGT -> {
                Bounds[] r = b.refineLess(a, op == Opcodes.JMP_JGT || op == Opcodes.JMP_JSGT,
                        op == Opcodes.JMP_JSGE || op == Opcodes.JMP_JSGT, is32);
                if (r == null) {
                    return null;
                }
                a = r[1];
                b = r[0];
            }
            case Opcodes.JMP_JLE, Opcodes.JMP_JLT, Opcodes.JMP_JSLE, Opcodes.JMP_JSLT -> {
                Bounds[] r = a.refineLess(b, op == Opcodes.JMP_JLT || op == Opcodes.JMP_JSLT,
                        op == Opcodes.JMP_JSLE || op == Opcodes.JMP_JSLT, is32);
                if (r == null) {
                    return null;
                }
                a = r[0];
                b = r[1];
            }
            default -> {
            }
        }
        if (a.empty() || b.empty()) {
            return null;
        }
        a = a.sync();
        b = b.sync();
        if (a.empty() || b.empty()) {
            return null;
        }
        return new Bounds[] {a, b};
    }

    /** The JSET condition when not taken ({@code (a & b) == 0}), for {@link #refine}. */
    static final int JSET_FALSE = -2;

    private boolean constIn(boolean is32) {
        return is32 ? (mask & U32) == 0 : mask == 0;
    }

    private Bounds exclude(long c, boolean is32) {
        if (is32) {
            long u = c & U32;
            long s = (int) c;
            long nu32min = u32min == u && u32min < u32max ? u32min + 1 : u32min;
            long nu32max = u32max == u && u32min < u32max ? u32max - 1 : u32max;
            long ns32min = s32min == s && s32min < s32max ? s32min + 1 : s32min;
            long ns32max = s32max == s && s32min < s32max ? s32max - 1 : s32max;
            return with32(nu32min, nu32max, ns32min, ns32max);
        }
        long numin = umin == c && ult(umin, umax) ? umin + 1 : umin;
        long numax = umax == c && ult(umin, umax) ? umax - 1 : umax;
        long nsmin = smin == c && smin < smax ? smin + 1 : smin;
        long nsmax = smax == c && smin < smax ? smax - 1 : smax;
        return with64(numin, numax, nsmin, nsmax);
    }

    /** {@code this < o} (strict) or {@code this <= o}: this gets o's upper bound, o this one's lower bound. */
    private Bounds[] refineLess(Bounds o, boolean strict, boolean signed, boolean is32) {
        long ahi = hi(signed, is32);
        long blo = o.lo(signed, is32);
        long bhi = o.hi(signed, is32);
        long alo = lo(signed, is32);
        long d = strict ? 1 : 0;
        long newAhi;
        long newBlo;
        if (strict) {
            long minOfType = signed ? is32 ? Integer.MIN_VALUE : Long.MIN_VALUE : 0;
            long maxOfType = signed ? is32 ? Integer.MAX_VALUE : Long.MAX_VALUE : is32 ? U32 : -1L;
            if (bhi == minOfType || alo == maxOfType) {
                return null; // nothing is below the least value
            }
        }
        newAhi = bhi - d;
        newBlo = alo + d;
        Bounds a = this;
        Bounds b = o;
        if (less(newAhi, ahi, signed, is32)) {
            a = a.setHi(newAhi, signed, is32);
        }
        if (less(blo, newBlo, signed, is32)) {
            b = b.setLo(newBlo, signed, is32);
        }
        return new Bounds[] {a, b};
    }

    private Bounds setHi(long v, boolean signed, boolean is32) {
        if (is32) {
            return signed ? with32(u32min, u32max, s32min, v) : with32(u32min, v, s32min, s32max);
        }
        return signed ? with64(umin, umax, smin, v) : with64(umin, v, smin, smax);
    }

    private Bounds setLo(long v, boolean signed, boolean is32) {
        if (is32) {
            return signed ? with32(u32min, u32max, v, s32max) : with32(v, u32max, s32min, s32max);
        }
        return signed ? with64(umin, umax, v, smax) : with64(v, umax, smin, smax);
    }

    @Override
    public String toString() {
        return "scalar(umin=" + Long.toUnsignedString(umin) + ",umax=" + Long.toUnsignedString(umax) + ",smin=" + smin
                + ",smax=" + smax + ",u32=[" + u32min + "," + u32max + "],s32=[" + s32min + "," + s32max
                + "],var_off=(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + "))";
    }
}
