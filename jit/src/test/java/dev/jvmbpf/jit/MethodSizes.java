package dev.jvmbpf.jit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;

/** Bytecode length of every method of a class file, read with ASM's ClassReader. */
final class MethodSizes {
    private MethodSizes() {
    }

    static Map<String, Integer> of(byte[] bytes) {
        ClassReader cr = new ClassReader(bytes);
        char[] buf = new char[cr.getMaxStringLength()];
        int at = cr.header + 6;
        at += 2 + 2 * cr.readUnsignedShort(at); // interfaces
        int fields = cr.readUnsignedShort(at);
        at += 2;
        for (int f = 0; f < fields; f++) {
            at = skipMember(cr, at);
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int methods = cr.readUnsignedShort(at);
        at += 2;
        for (int m = 0; m < methods; m++) {
            String name = cr.readUTF8(at + 2, buf);
            int attributes = cr.readUnsignedShort(at + 6);
            int a = at + 8;
            for (int i = 0; i < attributes; i++) {
                String attribute = cr.readUTF8(a, buf);
                int length = cr.readInt(a + 2);
                if (attribute.equals("Code")) {
                    sizes.put(name, cr.readInt(a + 10));
                }
                a += 6 + length;
            }
            at = a;
        }
        return sizes;
    }

    private static int skipMember(ClassReader cr, int at) {
        int attributes = cr.readUnsignedShort(at + 6);
        int a = at + 8;
        for (int i = 0; i < attributes; i++) {
            a += 6 + cr.readInt(a + 2);
        }
        return a;
    }
}
