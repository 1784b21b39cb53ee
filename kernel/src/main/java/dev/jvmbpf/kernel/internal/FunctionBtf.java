package dev.jvmbpf.kernel.internal;

import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The smallest BTF that gives every function of a program a FUNC type, for the kernel's function
 * information: {@code int} as [1], a prototype {@code int (void)} as [2], then one static FUNC per
 * function named {@code jvmbpf_f<pc>}. The kernel wants function information for programs whose
 * functions are called back (bpf_loop and the like); static functions are verified in their
 * callers' context, so their prototype's details are not used.
 */
public final class FunctionBtf {
    private static final int HEADER = 24;
    private static final int KIND_INT = BtfKind.INT.id();
    private static final int KIND_FUNC = BtfKind.FUNC.id();
    private static final int KIND_FUNC_PROTO = BtfKind.FUNC_PROTO.id();
    /** The type id of the first FUNC; the others follow in order. */
    private static final int FIRST_FUNC = 3;

    private FunctionBtf() {
    }

    /** BTF for functions starting at {@code entries} (pcs, ascending). */
    public static byte[] of(int[] entries) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int intName = addString(strings, "int");
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 12 * entries.length).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(intName).putInt(KIND_INT << 24).putInt(4).putInt(1 << 24 | 32);
        types.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1);
        for (int pc : entries) {
            types.putInt(addString(strings, "jvmbpf_f" + pc)).putInt(KIND_FUNC << 24).putInt(2);
        }
        byte[] str = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(HEADER + types.capacity() + str.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(HEADER);
        out.putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(str.length);
        out.put(types.array()).put(str);
        return out.array();
    }

    /** The FUNC type ids of {@link #of}'s functions, in their order. */
    public static int[] typeIds(int functions) {
        int[] ids = new int[functions];
        for (int i = 0; i < functions; i++) {
            ids[i] = FIRST_FUNC + i;
        }
        return ids;
    }

    private static int addString(ByteArrayOutputStream strings, String s) {
        int offset = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        strings.write(0);
        return offset;
    }
}
