package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.PerfEventArrayMap;
import dev.jvmbpf.runtime.object.BpfObject;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** xdp_sample.c (committed with build.sh): packet bytes appended to a perf event sample. */
class XdpSampleProgramTest {
    private static BpfObject object() throws Exception {
        try (InputStream in = XdpSampleProgramTest.class.getResourceAsStream("/bpf/xdp_sample.o")) {
            return BpfObject.open(in.readAllBytes(), "xdp_sample.o");
        }
    }

    @Test
    void sampleHoldsTheMetadataThenThePacketsFirstBytes() throws Exception {
        // The flags' upper half (BPF_F_CTXLEN_MASK) was refused with -EINVAL for every program
        // type; the kernel's XDP and skb variants append that many packet bytes to the sample.
        BpfObject obj = object();
        PerfEventArrayMap perf = (PerfEventArrayMap) obj.map("my_map").map();
        List<byte[]> samples = new ArrayList<>();
        for (int cpu = 0; cpu < Cpus.count(); cpu++) {
            perf.subscribe(cpu, samples::add);
        }
        byte[] packet = new byte[42];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) (i + 1);
        }
        Executable exe = new Interpreter().load(Verifier.verifyOrUnverified(obj.program("xdp_sample_prog").program(), StandardHelpers.table()), StandardHelpers.table());
        Machine m = exe.newMachine(Output.discard());
        m.beginRun();
        ProgramContext.Entry entry = XdpContext.of(packet).install(m);
        assertEquals(2, exe.execute(m, entry.r1(), entry.r2(), 0, 0, 0), "XDP_PASS");

        assertEquals(1, samples.size(), "the second call asked for 43 bytes of a 42-byte packet");
        byte[] sample = samples.getFirst();
        ByteBuffer b = ByteBuffer.wrap(sample).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xdead, Short.toUnsignedInt(b.getShort(0)));
        assertEquals(42, b.getShort(2));
        // 4 + 42 bytes, zero-padded as the kernel pads them to 52 (with its size field, 7 words).
        assertEquals(52, sample.length);
        assertArrayEquals(packet, Arrays.copyOfRange(sample, 4, 46));
        assertArrayEquals(new byte[6], Arrays.copyOfRange(sample, 46, 52));
        byte[] bss = obj.map(".bss").map().lookupValue(new byte[4]);
        assertEquals(-14, ByteBuffer.wrap(bss).order(ByteOrder.LITTLE_ENDIAN).getLong(0), "-EFAULT");
    }
}
