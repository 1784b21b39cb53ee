package dev.jvmbpf.helpers;

import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.isa.Instruction;
import dev.jvmbpf.runtime.maps.BpfMap;
import dev.jvmbpf.runtime.memory.Region;
import dev.jvmbpf.runtime.program.BpfProgram;
import dev.jvmbpf.runtime.program.ProgramType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A machine with the standard helpers, captured output and helpers to place bytes in program memory. */
final class Harness {
    final List<String> lines = new ArrayList<>();
    final Machine machine;
    final HelperTable table;

    Harness(BpfMap... maps) {
        this(ProgramType.RAW, StandardHelpers.table(), maps);
    }

    /** A program of {@code type} whose helpers are {@code table}. */
    Harness(ProgramType type, HelperTable table, BpfMap... maps) {
        this.table = table;
        BpfProgram p = new BpfProgram("test", "test", type, new Instruction[0], List.of(maps), "GPL");
        machine = new Machine(p, table, lines::add);
        machine.beginRun();
    }

    long call(int id, long r1, long r2, long r3, long r4, long r5) {
        return table.get(id).implementation().call(machine, r1, r2, r3, r4, r5);
    }

    long call(int id, long... args) {
        long[] a = java.util.Arrays.copyOf(args, 5);
        return call(id, a[0], a[1], a[2], a[3], a[4]);
    }

    /** A writable region holding {@code bytes}; returns its address. */
    long mem(byte[] bytes) {
        return machine.memory().register(Region.of("test", bytes, true));
    }

    long readOnly(byte[] bytes) {
        return machine.memory().register(Region.of("test-ro", bytes, false));
    }

    /** A NUL-terminated string in read-only memory. */
    long str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return readOnly(java.util.Arrays.copyOf(b, b.length + 1));
    }

    /** Format bytes with the NUL, as clang emits them; returns {address, size}. */
    long[] fmt(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new long[] {readOnly(java.util.Arrays.copyOf(b, b.length + 1)), b.length + 1};
    }

    long printk(String format, long... args) {
        long[] f = fmt(format);
        long[] a = java.util.Arrays.copyOf(args, 3);
        return call(StandardHelpers.TRACE_PRINTK, f[0], f[1], a[0], a[1], a[2]);
    }

    String last() {
        return lines.get(lines.size() - 1);
    }
}
