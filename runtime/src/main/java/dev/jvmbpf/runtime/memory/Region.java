package dev.jvmbpf.runtime.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A contiguous piece of memory a program may reach: a stack frame, the context, the packet,
 * a map value, global data. It is a window {@code [base, base + size)} of a byte array, so many
 * map values can share one array. Multi-byte accesses are little-endian through VarHandles.
 */
public final class Region {
    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final String name;
    final byte[] data;
    final int base;
    final int size;
    final boolean writable;
    final ContextView view;
    /**
     * Where this region was last registered: a map value looked up again in the same run gets the
     * same address without a search and without a new slot, however many other values the run
     * looked up in between. One immutable record, so that threads registering the region in their
     * own address spaces never see a torn pair.
     */
    volatile Registration lastRegistration;

    /** A region's address in one address space during one of its runs. */
    record Registration(AddressSpace space, long run, long address) {
    }

    private Region(String name, byte[] data, int base, int size, boolean writable, ContextView view) {
        if (base < 0 || size < 0 || base + size > data.length) {
            throw new IllegalArgumentException("region " + name + " [" + base + ", +" + size
                    + ") does not fit an array of " + data.length);
        }
        this.name = name;
        this.data = data;
        this.base = base;
        this.size = size;
        this.writable = writable;
        this.view = view;
    }

    public static Region of(String name, byte[] data, boolean writable) {
        return new Region(name, data, 0, data.length, writable, null);
    }

    public static Region slice(String name, byte[] data, int base, int size, boolean writable) {
        return new Region(name, data, base, size, writable, null);
    }

    /** A context whose loads of some fields are computed (for example XDP's data and data_end). */
    public static Region context(String name, byte[] data, boolean writable, ContextView view) {
        return new Region(name, data, 0, data.length, writable, view);
    }

    public String name() {
        return name;
    }

    public byte[] data() {
        return data;
    }

    public int base() {
        return base;
    }

    public int size() {
        return size;
    }

    public boolean writable() {
        return writable;
    }

    public ContextView view() {
        return view;
    }

    /** A copy of the region's bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[size];
        System.arraycopy(data, base, out, 0, size);
        return out;
    }

    // Accessors by offset inside the region; bounds are the caller's business (AddressSpace checks).

    public long get(int offset, int width) {
        int i = base + offset;
        return switch (width) {
            case 1 -> data[i] & 0xffL;
            case 2 -> (short) I16.get(data, i) & 0xffffL;
            case 4 -> (int) I32.get(data, i) & 0xffffffffL;
            default -> (long) I64.get(data, i);
        };
    }

    public void put(int offset, int width, long value) {
        int i = base + offset;
        switch (width) {
            case 1 -> data[i] = (byte) value;
            case 2 -> I16.set(data, i, (short) value);
            case 4 -> I32.set(data, i, (int) value);
            default -> I64.set(data, i, value);
        }
    }

    @Override
    public String toString() {
        return name + "[" + size + (writable ? "" : ", read-only") + "]";
    }

    /** Computes the value of context fields whose stored form differs from what a program reads. */
    @FunctionalInterface
    public interface ContextView {
        /** The value a load of {@code width} bytes at {@code offset} yields, or null for the stored bytes. */
        Long load(AddressSpace space, int offset, int width);
    }
}
