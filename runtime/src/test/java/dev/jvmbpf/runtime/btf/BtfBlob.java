package dev.jvmbpf.runtime.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes raw BTF for tests: types are appended in id order (the first gets id 1). */
final class BtfBlob {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int next = 1;

    BtfBlob() {
        strings.write(0);
    }

    int str(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        int at = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return at;
    }

    /** Appends a type header; returns the new type's id. */
    int type(String name, BtfKind kind, boolean kindFlag, int vlen, int sizeOrType, int... extra) {
        u32(str(name));
        u32(vlen | kind.id() << 24 | (kindFlag ? 1 << 31 : 0));
        u32(sizeOrType);
        for (int e : extra) {
            u32(e);
        }
        return next++;
    }

    void u32(int v) {
        types.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    byte[] bytes() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24);
        b.putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        b.put(t).put(s);
        return b.array();
    }
}
