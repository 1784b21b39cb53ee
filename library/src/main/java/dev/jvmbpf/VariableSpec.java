package dev.jvmbpf;

import dev.jvmbpf.internal.BtfCodec;
import dev.jvmbpf.internal.ValueText;

/**
 * A global variable of an {@link ObjectSpec}, before load: its name, its section
 * ({@code .data}, {@code .rodata}, {@code .bss}, {@code .data.custom}...), its BTF type and size.
 * {@link #set} gives it the value the programs start with, as libbpf's skeleton does with
 * {@code skel->rodata->threshold = 42} between open and load: this is how
 * {@code const volatile} globals are configured, since {@code .rodata} is frozen at load.
 * Values are Java values as {@link TypedMap} describes them (numbers, strings for char arrays,
 * maps for structs, lists for arrays, or a {@code byte[]} of the variable's size).
 */
public final class VariableSpec {
    private final String name;
    private final String section;
    private final String type;
    private final int typeId;
    private final int offset;
    private final int size;
    private final BtfCodec codec;
    private final byte[] initial;
    private byte[] pending;

    VariableSpec(String name, String section, String type, int typeId, int offset, int size, BtfCodec codec,
            byte[] initial) {
        this.name = name;
        this.section = section;
        this.type = type;
        this.typeId = typeId;
        this.offset = offset;
        this.size = size;
        this.codec = codec;
        this.initial = initial;
    }

    public String name() {
        return name;
    }

    /** The data section holding it: {@code .data}, {@code .rodata}, {@code .bss} or a custom {@code .data.*}. */
    public String section() {
        return section;
    }

    /** Its C type, as BTF spells it: {@code __u32}, {@code const volatile char[16]}. */
    public String type() {
        return type;
    }

    /** Its size in bytes. */
    public int size() {
        return size;
    }

    /** Its offset in its section. */
    public int offset() {
        return offset;
    }

    /** True in {@code .rodata}: settable here, read-only once loaded. */
    public boolean readOnly() {
        return section.startsWith(".rodata");
    }

    /** The value the programs will start with: the one {@link #set} gave, else the object's. */
    public synchronized Object value() {
        return codec.decode(typeId, pending != null ? pending : initial, 0);
    }

    /**
     * Sets the value every later {@link ObjectSpec#load} starts with. A value of the wrong shape or
     * out of range is an {@link IllegalArgumentException} naming the variable, its type and the value.
     */
    public synchronized VariableSpec set(Object value) {
        try {
            pending = codec.encode(typeId, value, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("variable " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * {@link #set} from text as a command line gives it, read by the variable's type:
     * {@code 42}, {@code "eth0"}, {@code {port=80, proto=6}}, {@code [1, 2]}, an enumerator's
     * name, or the variable's bytes in hex ({@code 2a000000}). See the README's syntax.
     */
    public VariableSpec setText(String text) {
        Object value;
        try {
            value = ValueText.parse(codec, typeId, size, text, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("variable " + e.getMessage(), e);
        }
        return set(value);
    }

    /** What {@link #set} gave, or null. */
    synchronized byte[] pending() {
        return pending == null ? null : pending.clone();
    }
}
