package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.LoadException;
import dev.jvmbpf.runtime.isa.Assembler;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.memory.BpfFault;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Specs, loaded objects, typed maps and global variables on the committed ELF fixtures. */
class ObjectApiTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();
    private static final Path ELF = ROOT.resolve("runtime/src/test/resources/elf");

    private static ObjectSpec globals() {
        return Bpf.open(ELF.resolve("globals.o")).onPrintk(line -> { });
    }

    @Test
    void aSpecDescribesProgramsMapsAndVariablesBeforeLoad() {
        ObjectSpec spec = Bpf.open(ELF.resolve("maps.o"));
        assertEquals(List.of(new ProgramSpec("count_events", "socket", ProgramType.SOCKET_FILTER,
                spec.program("count_events").instructionCount())), spec.programs());
        MapDeclaration events = spec.maps().stream().filter(m -> m.name().equals("events")).findFirst().orElseThrow();
        assertEquals(new MapDeclaration("events", ".maps", MapType.HASH, 4, 32, 1024, 0, "__u32", "struct event", false),
                events);
        MapDeclaration scratch = spec.maps().stream().filter(m -> m.name().equals("scratch")).findFirst().orElseThrow();
        assertNull(scratch.valueType());
        List<String> vars = globals().variables().stream().map(v -> v.name() + " " + v.section() + " " + v.type()
                + " " + v.size()).toList();
        assertTrue(vars.contains("threshold .rodata const volatile __u32 4"), vars.toString());
        assertTrue(vars.contains("hits .data __u64 8"), vars.toString());
        assertTrue(vars.contains("misses .bss __u64 8"), vars.toString());
        assertTrue(vars.contains("custom_counter .data.custom __u32 4"), vars.toString());
        assertEquals("jvmbpf", globals().variable("banner").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void constVolatileGlobalsAreSetBeforeLoadAndFrozenAfter(String engine) {
        ObjectSpec spec = globals().engine(Bpf.engine(engine));
        try (LoadedObject defaults = spec.load()) {
            assertEquals(7, defaults.program().run());
            assertEquals(101L, defaults.variable("hits").get());
            assertEquals(0L, defaults.variable("misses").get());
            assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L), defaults.variable("histogram").get());
            assertEquals(5L + 'j', defaults.variable("custom_counter").get());
        }
        spec.variable("threshold").set(2);
        spec.variable("banner").set("ok");
        try (LoadedObject set = spec.load()) {
            assertEquals(2, set.program().run());
            assertEquals(100L, set.variable("hits").get());
            assertEquals(1L, set.variable("misses").get());
            assertEquals(5L + 'o', set.variable("custom_counter").get());
            set.variable("hits").set(5);
            set.variable("threshold").get();
            IllegalStateException frozen = assertThrows(IllegalStateException.class,
                    () -> set.variable("threshold").set(9));
            assertTrue(frozen.getMessage().startsWith("variable 'threshold' of globals is in .rodata, read-only"),
                    frozen.getMessage());
            assertThrows(IllegalStateException.class, () -> set.map(".rodata").put(0, new byte[set.map(".rodata")
                    .valueSize()]));
            spec.variable("threshold").set(4);
            assertEquals(2, set.program().run());
            assertEquals(5L, set.variable("hits").get());
            assertEquals(2L, set.variable("misses").get());
        }
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> spec.variable("threshold").set(1L << 32));
        assertEquals("variable threshold (const volatile __u32, 32 bits): 4294967296 does not fit", big.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> spec.variable("banner").set("a string that is far too long"));
        assertTrue(text.getMessage().startsWith("variable banner (const volatile char[16]): \"a string"),
                text.getMessage());
        LoadException none = assertThrows(LoadException.class, () -> spec.variable("nope"));
        assertTrue(none.getMessage().startsWith("globals: no global variable named 'nope'; it has [threshold, "),
                none.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void structValuesWithBitfieldsAndPerCpuValues(String engine) {
        try (LoadedObject obj = Bpf.open(ELF.resolve("maps.o")).engine(Bpf.engine(engine)).load()) {
            Program p = obj.program("count_events");
            assertEquals(0, p.run(p.context().packet(new byte[42]).build()));
            TypedMap events = obj.map("events");
            Map<String, Object> fresh = new LinkedHashMap<>();
            fresh.put("pid", 42L);
            fresh.put("delta", -1L);
            fresh.put("comm", "bash");
            fresh.put("count", 1L);
            fresh.put("flag", 1L);
            fresh.put("level", 5L);
            assertEquals(fresh, events.get(42));
            assertEquals(List.copyOf(fresh.keySet()), List.copyOf(((Map<?, ?>) events.get(42)).keySet()));
            assertEquals(1L, obj.map("counters").get(0));

            events.put(7, Map.of("pid", 7, "comm", "zsh", "level", 3, "delta", -2));
            assertEquals(Map.of("pid", 7L, "delta", -2L, "comm", "zsh", "count", 0L, "flag", 0L, "level", 3L),
                    events.get(7));
            assertEquals(1, p.run(p.context().packet(new byte[7]).build()));
            assertEquals(1L, ((Map<?, ?>) events.get(7)).get("count"));
            assertEquals(Map.of(42L, fresh.keySet().size(), 7L, 6),
                    Map.of(42L, ((Map<?, ?>) events.entries().get(42L)).size(), 7L,
                            ((Map<?, ?>) events.entries().get(7L)).size()));
            assertTrue(events.delete(7));
            assertFalse(events.delete(7));
            assertNull(events.get(7));

            IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                    () -> events.put(1, Map.of("level", 8)));
            assertEquals("map 'events' value.level (unsigned int, 3 bits): 8 does not fit", level.getMessage());
            IllegalArgumentException member = assertThrows(IllegalArgumentException.class,
                    () -> events.put(1, Map.of("nope", 1)));
            assertEquals("map 'events' value (struct event) has no member 'nope' (pid, delta, comm, count, flag,"
                    + " level)", member.getMessage());
            IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> events.put("one", Map.of()));
            assertEquals("map 'events' key (__u32): expected a number, got \"one\" (String)", key.getMessage());

            TypedMap scratch = obj.map("scratch");
            List<Object> perCpu = scratch.getPerCpu(1);
            assertEquals(Cpus.count(), perCpu.size());
            assertArrayEquals(new byte[16], (byte[]) perCpu.getFirst());
            byte[] ones = new byte[16];
            java.util.Arrays.fill(ones, (byte) 1);
            scratch.put(1, ones);
            assertArrayEquals(ones, (byte[]) scratch.getPerCpu(1).getLast());
            List<Object> each = new ArrayList<>(Collections.nCopies(Cpus.count(), new byte[16]));
            each.set(0, ones);
            scratch.putPerCpu(1, each);
            assertArrayEquals(ones, (byte[]) scratch.getPerCpu(1).getFirst());
            assertThrows(IllegalArgumentException.class, () -> scratch.get(1));
            assertInstanceOf(List.class, scratch.entries().get(0L));
        }
    }

    @Test
    void legacyMapsWithoutBtfTakeNumbersOfTheirSizeAndBytes() {
        try (LoadedObject obj = Bpf.open(ELF.resolve("legacy-nog.o")).load()) {
            Program p = obj.program("count_packets");
            p.run(p.context().packet(new byte[20]).build());
            p.run(p.context().packet(new byte[20]).build());
            TypedMap packets = obj.map("packets");
            assertNull(packets.keyType());
            assertEquals(2L, packets.get(3));
            assertEquals(Map.of(42L, 1L), obj.map("flows").entries());
            obj.map("flows").put(0xffff_ffffL, 0xffff_ffffL);
            assertEquals(0xffff_ffffL, obj.map("flows").get(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> obj.map("flows").put(1, 1L << 32));
            assertEquals("map 'flows' value (32 bits, no BTF): 4294967296 does not fit", e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
    }

    @Test
    void aClosedObjectRefusesRunsAndAccessesNamingIt() {
        LoadedObject obj = Bpf.open(ROOT.resolve("examples/counter.o")).load();
        Program p = obj.program();
        TypedMap counts = obj.map("counts");
        obj.close();
        obj.close();
        IllegalStateException run = assertThrows(IllegalStateException.class, p::run);
        assertEquals("object 'counter' is closed", run.getMessage());
        assertThrows(IllegalStateException.class, () -> counts.get(59));
        assertThrows(IllegalStateException.class, () -> obj.map("counts"));
        assertTrue(obj.isClosed());
    }

    @Test
    void eachLoadOfASpecHasMapsOfItsOwn() {
        ObjectSpec spec = Bpf.open(ROOT.resolve("examples/counter.o"));
        try (LoadedObject a = spec.load(); LoadedObject b = spec.load()) {
            Program p = a.program();
            p.run(p.context().set("id", 1).build());
            assertEquals(Map.of(1L, 1L), a.map("counts").entries());
            assertEquals(Map.of(), b.map("counts").entries());
        }
    }

    @Test
    void noVerifyLoadsWhatTheVerifierRefusesAndChecksAtRunTime() {
        BpfProgram bad = BpfProgram.raw("bad", Assembler.assemble("ldxdw %r0, [%r10+8]\nexit\n"));
        assertThrows(LoadException.class, () -> Bpf.of(bad).load());
        for (String engine : List.of("interpreter", "jit")) {
            Program p = Bpf.of(bad).engine(Bpf.engine(engine)).noVerify().load().program();
            assertFalse(p.verified().passed());
            assertThrows(BpfFault.class, p::run, engine);
        }
    }

    @Test
    void malformedFilesAreLoadExceptionsNamingThem(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.o");
        Files.write(junk, new byte[] {1, 2, 3});
        LoadException e = assertThrows(LoadException.class, () -> Bpf.open(junk));
        assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
    }
}
