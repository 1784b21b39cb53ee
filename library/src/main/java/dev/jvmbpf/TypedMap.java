package dev.jvmbpf;

import dev.jvmbpf.internal.BtfCodec;
import dev.jvmbpf.internal.ValueText;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.Errno;
import dev.jvmbpf.runtime.maps.MapEntry;
import dev.jvmbpf.runtime.maps.MapFlags;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.object.ObjectMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A map of a {@link LoadedObject}, its keys and values as Java values through the object's BTF,
 * as user space sees them with {@code bpf(2)}:
 * <ul>
 * <li>integers, enums (their value) and pointers are {@link Long}s (unsigned types below 64 bits
 *     non-negative, {@code u64} the long with the same bits); {@code _Bool} a {@link Boolean};
 *     128-bit integers {@link java.math.BigInteger}s; floats {@link Float}/{@link Double};
 * <li>structs and unions are {@code java.util.Map<String, Object>}s in member order (members of
 *     anonymous structs flattened, bitfields by value, padding skipped);
 * <li>arrays are {@link List}s, {@code char} arrays {@link String}s;
 * <li>{@code byte[]} of the exact size is accepted for any key or value.
 * </ul>
 * To write, give the same shapes; any {@link Number} fits an integer that can hold it (as signed
 * or unsigned), enumerator names fit enums, members and elements left out are zero. Maps without
 * BTF for a key or value (legacy {@code maps} section, {@code key_size} declarations) take and give
 * numbers when it has 1, 2, 4 or 8 bytes (little-endian; unsigned below 8 bytes) and {@code byte[]}
 * otherwise. A value that does not fit is an {@link IllegalArgumentException} naming the map, the
 * field and the value.
 *
 * <p>Per-CPU maps hold a value per CPU: {@link #getPerCpu} gives them as a list, {@link #put}
 * sets every CPU's, {@link #putPerCpu} each one; {@link #entries()} maps keys to lists.
 * {@code .rodata} is read-only after load. A program array's slots take programs of the object
 * by name ({@link #putProgram}). {@link #raw()} is the runtime's map for everything else (queues,
 * ring buffers).
 */
public final class TypedMap {
    private final LoadedObject owner;
    private final ObjectMap declared;
    private final BpfMap map;
    private final BtfCodec codec;
    private final String name;

    TypedMap(LoadedObject owner, ObjectMap declared, Btf btf) {
        this.owner = owner;
        this.declared = declared;
        this.map = declared.map();
        this.codec = btf == null ? null : new BtfCodec(btf);
        this.name = declared.name();
    }

    public String name() {
        return name;
    }

    public MapType type() {
        return map.spec().type();
    }

    public int keySize() {
        return map.spec().keySize();
    }

    public int valueSize() {
        return map.spec().valueSize();
    }

    /** The kernel's {@code max_entries}, an unsigned 32-bit count (up to 2^32 - 1). */
    public long maxEntries() {
        return map.spec().maxEntriesUnsigned();
    }

    /** The C spelling of the key's BTF type, or null without one. */
    public String keyType() {
        return codec == null || declared.keyType() == 0 ? null : btfOf().describe(declared.keyType());
    }

    /** The C spelling of the value's BTF type, or null without one. */
    public String valueType() {
        return codec == null || declared.valueType() == 0 ? null : btfOf().describe(declared.valueType());
    }

    private Btf btfOf() {
        return owner.object().btf();
    }

    public boolean perCpu() {
        return type().isPerCpuArrayOrHash();
    }

    /** {@code .rodata}: frozen at load. */
    public boolean readOnly() {
        return declared.readOnly();
    }

    /** The runtime's map: bytes in, bytes out, every operation its type has. */
    public BpfMap raw() {
        owner.checkOpen();
        return map;
    }

    /** The value of {@code key}, or null when there is none. Per-CPU maps: {@link #getPerCpu}. */
    public Object get(Object key) {
        if (perCpu()) {
            throw new IllegalArgumentException("map '" + name + "' is per-CPU (" + type()
                    + "): read it with getPerCpu(key)");
        }
        byte[] value = getBytes(key);
        return value == null ? null : decodeValue(value, 0);
    }

    /** The value of {@code key} as bytes (all CPUs' of a per-CPU map, each padded to 8 bytes), or null. */
    public byte[] getBytes(Object key) {
        owner.checkOpen();
        return map.lookupValue(key(key));
    }

    /** Each CPU's value of {@code key} in a per-CPU map, CPU 0 first, or null when there is none. */
    public List<Object> getPerCpu(Object key) {
        requirePerCpu("getPerCpu");
        byte[] all = getBytes(key);
        return all == null ? null : perCpuValues(all);
    }

    /**
     * Sets {@code key} to {@code value} as {@code bpf_map_update_elem(BPF_ANY)} from user space
     * does (per-CPU maps: on every CPU). {@link IllegalArgumentException} naming the map when the
     * key or value does not fit or the map refuses (full, wrong type).
     */
    public void put(Object key, Object value) {
        byte[] one = encodeValue(value);
        if (!perCpu()) {
            update(key, one);
            return;
        }
        int stride = Cpus.stride(valueSize());
        byte[] all = new byte[Cpus.count() * stride];
        for (int cpu = 0; cpu < Cpus.count(); cpu++) {
            System.arraycopy(one, 0, all, cpu * stride, one.length);
        }
        update(key, all);
    }

    /**
     * {@link #put} with key and value as text, read by their BTF types (numbers, strings, structs
     * as {@code {port=80, proto=6}}, arrays as {@code [1, 2]}) or as hex bytes of their sizes
     * ({@code 0a000001}); a null {@code value} is zeros.
     */
    public void putText(String key, String value) {
        Object k = parseText(declared.keyType(), keySize(), key, "key");
        if (type() == MapType.PROG_ARRAY) {
            if (value == null) {
                throw new IllegalArgumentException("map '" + name + "' is a program array: give the program for slot "
                        + key + " by name (" + key + "=PROGRAM)");
            }
            putProgram(k, value.strip());
            return;
        }
        Object v = value == null ? new byte[valueSize()] : parseText(declared.valueType(), valueSize(), value, "value");
        put(k, v);
    }

    private Object parseText(int type, int size, String text, String what) {
        try {
            return ValueText.parse(codec, type, size, text, what);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("map '" + name + "' " + e.getMessage(), e);
        }
    }

    /**
     * Puts program {@code programName} of the object at slot {@code key} of this program array,
     * as user space stores a program's fd there: later tail calls through the slot jump to it.
     * The program is verified and loaded on the object's engine when it was not loaded yet.
     */
    public void putProgram(Object key, String programName) {
        if (!(map instanceof ProgramArray array)) {
            throw new IllegalArgumentException("map '" + name + "' is a " + type() + " map, not a program array");
        }
        checkWritable();
        byte[] k = key(key);
        int slot = k.length == 4 ? (k[0] & 0xff) | (k[1] & 0xff) << 8 | (k[2] & 0xff) << 16 | (k[3] & 0xff) << 24 : -1;
        Executable program;
        try {
            program = owner.executableForSlot(programName);
        } catch (LoadException e) {
            throw new IllegalArgumentException("map '" + name + "' slot " + Integer.toUnsignedString(slot) + ": "
                    + e.getMessage(), e);
        }
        int rc = array.set(slot, program);
        if (rc != 0) {
            throw new IllegalArgumentException("map '" + name + "' (" + type() + ") refused slot "
                    + Integer.toUnsignedString(slot) + ": " + Errno.name(-rc));
        }
    }

    /** Sets each CPU's value of {@code key} in a per-CPU map: one value per CPU, CPU 0 first. */
    public void putPerCpu(Object key, List<?> values) {
        requirePerCpu("putPerCpu");
        if (values.size() != Cpus.count()) {
            throw new IllegalArgumentException("map '" + name + "': " + values.size() + " values given for "
                    + Cpus.count() + " CPUs");
        }
        int stride = Cpus.stride(valueSize());
        byte[] all = new byte[Cpus.count() * stride];
        for (int cpu = 0; cpu < values.size(); cpu++) {
            byte[] one = encodeValue(values.get(cpu));
            System.arraycopy(one, 0, all, cpu * stride, one.length);
        }
        update(key, all);
    }

    /** Deletes {@code key}: true when it was there. */
    public boolean delete(Object key) {
        checkWritable();
        int rc = map.delete(key(key));
        if (rc == 0) {
            return true;
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        throw new IllegalArgumentException("map '" + name + "' (" + type() + ") refused the delete: " + Errno.name(-rc));
    }

    /**
     * A snapshot of the entries in the map's iteration order: key to value (per-CPU maps: key to
     * the list of each CPU's value). Keys and values as {@link #get} gives them.
     */
    public Map<Object, Object> entries() {
        owner.checkOpen();
        Map<Object, Object> out = new LinkedHashMap<>();
        for (MapEntry e : map.entries()) {
            Object key = decodeKey(e.key());
            out.put(key, perCpu() ? perCpuValues(e.value()) : decodeValue(e.value(), 0));
        }
        return out;
    }

    /** The number of elements present (arrays: max_entries). */
    public int size() {
        owner.checkOpen();
        return map.size();
    }

    @Override
    public String toString() {
        return "map " + name + " (" + type().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    private void update(Object key, byte[] value) {
        checkWritable();
        int rc = map.update(key(key), value, MapFlags.BPF_ANY);
        if (rc != 0) {
            throw new IllegalArgumentException("map '" + name + "' (" + type() + ") refused the update: "
                    + Errno.name(-rc));
        }
    }

    private void checkWritable() {
        owner.checkOpen();
        if (readOnly()) {
            throw new IllegalStateException("map '" + name + "' of " + owner.name()
                    + " is read-only once loaded (the kernel freezes .rodata); set its variables on the ObjectSpec");
        }
    }

    private void requirePerCpu(String what) {
        if (!perCpu()) {
            throw new IllegalArgumentException("map '" + name + "' is a " + type() + " map, not per-CPU; " + what
                    + " applies to per-CPU maps only");
        }
    }

    private List<Object> perCpuValues(byte[] all) {
        int stride = Cpus.stride(valueSize());
        List<Object> out = new ArrayList<>(Cpus.count());
        for (int at = 0; at + valueSize() <= all.length; at += stride) {
            out.add(decodeValue(all, at));
        }
        return out;
    }

    private byte[] key(Object key) {
        owner.checkOpen();
        if (keySize() == 0) {
            return new byte[0];
        }
        return encode(declared.keyType(), keySize(), key, "key");
    }

    private byte[] encodeValue(Object value) {
        return encode(declared.valueType(), valueSize(), value, "value");
    }

    private byte[] encode(int type, int size, Object value, String what) {
        try {
            if (codec != null && type != 0) {
                return codec.encode(type, value, what);
            }
            return BtfCodec.encodeRaw(value, size, what);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("map '" + name + "' " + e.getMessage(), e);
        }
    }

    /** {@code bytes}, a key as the raw map holds it, as a Java value (as {@link #entries()} gives keys). */
    public Object keyOf(byte[] bytes) {
        return decodeKey(bytes);
    }

    /**
     * {@code bytes}, a value as the raw map holds it, as a Java value: for a per-CPU map the list
     * of each CPU's value (as {@link #entries()} gives values).
     */
    public Object valueOf(byte[] bytes) {
        return perCpu() ? perCpuValues(bytes) : decodeValue(bytes, 0);
    }

    private Object decodeKey(byte[] key) {
        if (codec != null && declared.keyType() != 0) {
            return codec.decode(declared.keyType(), key, 0);
        }
        return BtfCodec.decodeRaw(key, 0, key.length);
    }

    private Object decodeValue(byte[] bytes, int offset) {
        if (codec != null && declared.valueType() != 0) {
            return codec.decode(declared.valueType(), bytes, offset);
        }
        return BtfCodec.decodeRaw(bytes, offset, valueSize());
    }
}
