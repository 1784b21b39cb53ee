package dev.jvmbpf.helpers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvmbpf.helpers.context.ProgramContext;
import dev.jvmbpf.helpers.context.RawContext;
import dev.jvmbpf.helpers.context.SkBuffContext;
import dev.jvmbpf.helpers.context.TracepointContext;
import dev.jvmbpf.helpers.context.XdpContext;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.Maps;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.runtime.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Helpers driven by real programs on the interpreter: callbacks, tail calls and contexts. */
class EngineHelpersTest {
    private final List<String> out = new ArrayList<>();

    private static Executable load(String asm, ProgramType type, List<BpfMap> maps) {
        BpfProgram p = new BpfProgram("p", "test", type, Assembler.assemble(asm), maps, "GPL");
        return new Interpreter().load(Verifier.verifyOrUnverified(p, StandardHelpers.table()), StandardHelpers.table());
    }

    private long run(Executable e, ProgramContext ctx) {
        Machine m = e.newMachine(out::add);
        m.beginRun();
        ProgramContext.Entry entry = ctx.install(m);
        return e.execute(m, entry.r1(), entry.r2(), 0, 0, 0);
    }

    @Test
    void seedProgramShape() {
        String asm = """
                call 14
                rsh %r0, 32
                stxdw [%r10-8], %r0
                lddw %r1, 0x000a6425203a4449
                stxdw [%r10-16], %r1
                mov %r1, %r10
                add %r1, -16
                mov %r2, 8
                ldxdw %r3, [%r10-8]
                call 6
                exit
                """;
        long r0 = run(load(asm, ProgramType.TRACEPOINT, List.of()), TracepointContext.sysEnter(59, 0, 0, 0));
        assertEquals(List.of("ID: " + ProcessHandle.current().pid()), out);
        assertEquals(("ID: " + ProcessHandle.current().pid() + "\n").length(), r0);
    }

    @Test
    void bpfLoopCallsBackUntilTheCallbackStops() {
        String asm = """
                mov %r6, 0
                stxdw [%r10-8], %r6
                mov %r1, 10
                ldfunc %r2, cb
                mov %r3, %r10
                add %r3, -8
                mov %r4, 0
                call 181
                mul %r0, 1000
                ldxdw %r1, [%r10-8]
                add %r0, %r1
                exit
                cb:
                ldxdw %r3, [%r2+0]
                add %r3, %r1
                stxdw [%r2+0], %r3
                mov %r0, 0
                jne %r1, 6, +1
                mov %r0, 1
                exit
                """;
        assertEquals(7 * 1000 + 21, run(load(asm, ProgramType.RAW, List.of()), new RawContext(new byte[0])),
                "7 calls (i = 0..6), sum 21");
    }

    @Test
    void bpfLoopRejectsFlagsAndTooManyIterations() {
        String asm = """
                mov %r1, 5
                ldfunc %r2, cb
                mov %r3, 0
                mov %r4, 1
                call 181
                exit
                cb:
                mov %r0, 0
                exit
                """;
        assertEquals(-22, run(load(asm, ProgramType.RAW, List.of()), new RawContext(new byte[0])));
        String big = asm.replace("mov %r1, 5", "mov %r1, 0x800001").replace("mov %r4, 1", "mov %r4, 0");
        assertEquals(-7, run(load(big, ProgramType.RAW, List.of()), new RawContext(new byte[0])));
    }

    @Test
    void forEachMapElemVisitsEveryArrayElement() {
        BpfMap array = Maps.create(new MapSpec("a", MapType.ARRAY, 4, 8, 4, 0));
        for (int i = 0; i < 4; i++) {
            byte[] v = new byte[8];
            v[0] = (byte) (i + 1);
            array.update(new byte[] {(byte) i, 0, 0, 0}, v, 0);
        }
        String asm = """
                mov %r6, 0
                stxdw [%r10-8], %r6
                ldmapidx %r1, 0
                ldfunc %r2, cb
                mov %r3, %r10
                add %r3, -8
                mov %r4, 0
                call 164
                mul %r0, 1000
                ldxdw %r1, [%r10-8]
                add %r0, %r1
                exit
                cb:
                ldxdw %r5, [%r3+0]
                ldxdw %r1, [%r4+0]
                add %r1, %r5
                stxdw [%r4+0], %r1
                add %r5, 100
                stxdw [%r3+0], %r5
                mov %r0, 0
                exit
                """;
        assertEquals(4 * 1000 + 10, run(load(asm, ProgramType.RAW, List.of(array)), new RawContext(new byte[0])));
        assertEquals(101, array.lookupValue(new byte[] {0, 0, 0, 0})[0], "the callback wrote through the value");
    }

    @Test
    void tailCallJumpsAndEmptySlotsFallThrough() {
        ProgramArray progs = (ProgramArray) Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, 4, 0));
        List<BpfMap> maps = List.of(progs);
        Executable caller = load("""
                ldmapidx %r2, 0
                mov %r3, 1
                call 12
                mov %r0, 99
                exit
                """, ProgramType.RAW, maps);
        Executable target = load("""
                ldxb %r0, [%r1+0]
                add %r0, 7
                exit
                """, ProgramType.RAW, maps);
        assertEquals(99, run(caller, new RawContext(new byte[] {1})), "empty slot: the caller goes on");
        progs.set(1, target);
        assertEquals(8, run(caller, new RawContext(new byte[] {1})), "the target runs with the caller's context");
    }

    @Test
    void atMost33TailCallsPerRun() {
        ProgramArray progs = (ProgramArray) Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, 1, 0));
        Executable self = load("""
                ldxdw %r2, [%r1+0]
                add %r2, 1
                stxdw [%r1+0], %r2
                ldmapidx %r2, 0
                mov %r3, 0
                call 12
                exit
                """, ProgramType.RAW, List.of(progs));
        progs.set(0, self);
        byte[] counter = new byte[8];
        assertEquals(-7, run(self, new RawContext(counter)), "the 34th attempt fails and returns -E2BIG");
        assertEquals(34, counter[0], "the first run and 33 tail calls");
        java.util.Arrays.fill(counter, (byte) 0);
        assertEquals(-7, run(self, new RawContext(counter)));
        assertEquals(34, counter[0], "the count starts again with every run");
    }

    @Test
    void tailCallToAProgramWithOtherMapsFaults() {
        ProgramArray progs = (ProgramArray) Maps.create(new MapSpec("progs", MapType.PROG_ARRAY, 4, 4, 1, 0));
        Executable caller = load("ldmapidx %r2, 0\nmov %r3, 0\ncall 12\nexit", ProgramType.RAW, List.of(progs));
        progs.set(0, load("mov %r0, 1\nexit", ProgramType.RAW, List.of()));
        assertThrows(BpfFault.class, () -> run(caller, new RawContext(new byte[1])));
    }

    @Test
    void xdpContextGivesPacketPointers() {
        String asm = """
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                mov %r4, %r2
                add %r4, 14
                jgt %r4, %r3, +4
                stb [%r2+0], 0xaa
                ldxh %r0, [%r2+12]
                be16 %r0
                exit
                mov %r0, 1
                exit
                """;
        Executable e = load(asm, ProgramType.XDP, List.of());
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        XdpContext ctx = XdpContext.of(frame);
        assertEquals(0x0800, run(e, ctx));
        assertEquals((byte) 0xaa, ctx.packet()[0], "the program wrote the packet");
        assertEquals(1, run(e, XdpContext.of(new byte[10])), "too short for an Ethernet header");
    }

    @Test
    void xdpMetadataSitsBeforeTheData() {
        String asm = """
                ldxw %r2, [%r1+8]
                ldxw %r3, [%r1+0]
                mov %r0, %r3
                sub %r0, %r2
                ldxw %r4, [%r1+12]
                lsh %r4, 8
                add %r0, %r4
                exit
                """;
        XdpContext ctx = XdpContext.builder().packet(new byte[20]).metadata(new byte[4]).ingressIfindex(3).build();
        assertEquals(3 * 256 + 4, run(load(asm, ProgramType.XDP, List.of()), ctx));
    }

    @Test
    void skBuffContextFields() {
        String asm = """
                ldxw %r2, [%r1+76]
                ldxw %r3, [%r1+80]
                mov %r0, %r3
                sub %r0, %r2
                ldxw %r4, [%r1+16]
                lsh %r4, 16
                or %r0, %r4
                stw [%r1+8], 77
                exit
                """;
        byte[] packet = new byte[42];
        packet[12] = 0x08;
        SkBuffContext ctx = SkBuffContext.of(packet);
        assertEquals(0x0008L << 16 | 42, run(load(asm, ProgramType.SCHED_CLS, List.of()), ctx),
                "length 42, protocol 0x0800 in network byte order");
        assertEquals(77, ctx.field(SkBuffContext.MARK), "the program set skb->mark");
        assertEquals(42, ctx.field(SkBuffContext.LEN));
    }

    @Test
    void rawContextPassesAddressAndLength() {
        byte[] mem = {5, 6, 7};
        assertEquals(3 * 100 + 7, run(load("""
                ldxb %r0, [%r1+2]
                mul %r2, 100
                add %r0, %r2
                exit
                """, ProgramType.RAW, List.of()), new RawContext(mem)));
        assertArrayEquals(new byte[] {5, 6, 7}, mem);
    }
}
