package dev.jvmbpf;

import dev.jvmbpf.internal.BtfCodec;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfType;
import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.object.MapKind;
import dev.jvmbpf.runtime.object.ObjectMap;
import java.util.ArrayList;
import java.util.List;

/**
 * A global variable of a {@link LoadedObject}, read and written through its BTF type as the
 * programs see it (values as {@link TypedMap} describes them). Variables in {@code .rodata}
 * ({@code const volatile}) are read-only once loaded, as the kernel freezes the map: set them on
 * the {@link VariableSpec} before {@link ObjectSpec#load}.
 */
public final class Variable {
    private final LoadedObject owner;
    private final String name;
    private final ObjectMap section;
    private final BtfCodec codec;
    private final String type;
    private final int typeId;
    private final int offset;
    private final int size;

    private Variable(LoadedObject owner, String name, ObjectMap section, Btf btf, int typeId, int offset, int size) {
        this.owner = owner;
        this.name = name;
        this.section = section;
        this.codec = new BtfCodec(btf);
        this.type = btf.describe(typeId);
        this.typeId = typeId;
        this.offset = offset;
        this.size = size;
    }

    static Variable find(LoadedObject owner, BpfObject object, String name) {
        Btf btf = object.btf();
        List<String> names = new ArrayList<>();
        for (ObjectMap m : object.maps()) {
            if (m.kind() != MapKind.GLOBAL_DATA || btf == null || m.valueType() == 0
                    || !(btf.type(m.valueType()) instanceof BtfType.Datasec d)) {
                continue;
            }
            for (BtfType.SectionVar v : d.vars()) {
                if (btf.type(v.type()) instanceof BtfType.Var var) {
                    if (var.name().equals(name)) {
                        return new Variable(owner, name, m, btf, var.type(), v.offset(), v.size());
                    }
                    names.add(var.name());
                }
            }
        }
        throw new LoadException(object.name() + ": no global variable named '" + name + "'; it has " + names);
    }

    public String name() {
        return name;
    }

    /** Its section: {@code .data}, {@code .rodata}, {@code .bss}, {@code .data.custom}... */
    public String section() {
        return section.name();
    }

    /** Its C type as BTF spells it. */
    public String type() {
        return type;
    }

    public int size() {
        return size;
    }

    /** True in {@code .rodata}: frozen at load. */
    public boolean readOnly() {
        return section.readOnly();
    }

    /** Its current value, as the programs left it. */
    public Object get() {
        owner.checkOpen();
        Region r = region();
        return codec.decode(typeId, r.data(), r.base() + offset);
    }

    /**
     * Sets its value for later runs. {@link IllegalStateException} for {@code .rodata};
     * {@link IllegalArgumentException} naming the variable, its type and the value when it does not fit.
     */
    public void set(Object value) {
        owner.checkOpen();
        if (readOnly()) {
            throw new IllegalStateException("variable '" + name + "' of " + owner.name() + " is in " + section()
                    + ", read-only once loaded (the kernel freezes it); set it on the ObjectSpec before load()");
        }
        byte[] bytes;
        try {
            bytes = codec.encode(typeId, value, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("variable " + e.getMessage(), e);
        }
        Region r = region();
        System.arraycopy(bytes, 0, r.data(), r.base() + offset, Math.min(size, bytes.length));
    }

    private Region region() {
        BpfMap map = section.map();
        return map.lookup(new byte[4]);
    }

    @Override
    public String toString() {
        return name + " = " + get();
    }
}
