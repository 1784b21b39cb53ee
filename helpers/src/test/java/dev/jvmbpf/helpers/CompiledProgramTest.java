package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.TracepointContext;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.RingBufferMap;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** helpers.c (clang -O2, committed with build.sh) on the interpreter with the standard helpers. */
class CompiledProgramTest {
    private static BpfObject object() throws Exception {
        try (InputStream in = CompiledProgramTest.class.getResourceAsStream("/bpf/helpers.o")) {
            return BpfObject.open(in.readAllBytes(), "helpers.o");
        }
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    @Test
    void everyHelperOfTheFixtureBehavesAsInTheKernel() throws Exception {
        BpfObject obj = object();
        Executable exe = new Interpreter().load(Verifier.verifyOrUnverified(obj.program("all_helpers").program(), StandardHelpers.table()), StandardHelpers.table());
        List<String> out = new ArrayList<>();
        Machine m = exe.newMachine(out::add);
        m.beginRun();
        ProgramContext.Entry entry = TracepointContext.sysEnter(257).install(m);
        long r0 = exe.execute(m, entry.r1(), entry.r2(), 0, 0, 0);

        assertEquals(0, r0, "strncmp(greeting, \"hello\") == 0");
        assertEquals(List.of("greeting hello, sum 45", "loops 10 used 7 parsed -1234 sum 45"), out);

        RingBufferMap events = (RingBufferMap) obj.map("events").map();
        List<byte[]> records = new ArrayList<>();
        events.consume(r -> {
            records.add(r);
            return 0;
        });
        assertEquals(1, records.size());
        byte[] rec = records.get(0);
        ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(ProcessHandle.current().pid(), Integer.toUnsignedLong(b.getInt(0)));
        assertEquals(7, b.getInt(4), "strtol consumed \"  -1234\"");
        assertEquals(-1234, b.getLong(8));
        assertEquals(45, b.getLong(16), "bpf_loop summed 0..9");
        assertEquals(10, b.getLong(24));
        String comm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/comm")).strip();
        assertEquals(comm.length() > 15 ? comm.substring(0, 15) : comm, cString(rec, 32, 16));
        assertEquals("hello=45", cString(rec, 48, 32));
        assertTrue(rec.length >= 80);
    }
}
