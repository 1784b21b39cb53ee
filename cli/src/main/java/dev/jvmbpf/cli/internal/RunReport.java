package dev.jvmbpf.cli.internal;

import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.runtime.maps.MapDump;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code jvmbpf run} prints: printk lines and ring-buffer/perf records as they come
 * ({@code record events: 2a 00 ...}), then {@code return value: N}, what the last run changed in
 * its packet (or memory) and its context, and with {@code --dump-maps} each map's entries. With
 * {@code --json} the same facts make one JSON object printed at the end ({@link #finish}).
 */
public final class RunReport {
    private final PrintWriter out;
    private final Map<String, Object> json;
    private final boolean pretty;
    private final List<Object> printk = Json.array();
    private final List<Object> records = Json.array();
    private long first;
    private long last;
    private long runs;
    private boolean allSame = true;
    private ProgramType type;
    private int packetLength;

    /** A report printed as text ({@code json} false) or as one JSON object, indented when {@code pretty}. */
    public RunReport(PrintWriter out, boolean json, boolean pretty) {
        this.out = out;
        this.json = json ? Json.object() : null;
        this.pretty = pretty;
    }

    /** Names the program in the JSON output. */
    public void program(String name, String typeName, String engine) {
        if (json != null) {
            json.put("program", name);
            json.put("type", typeName);
            json.put("engine", engine);
        }
    }

    public void printk(String line) {
        if (json != null) {
            printk.add(line);
            return;
        }
        out.println(line);
        out.flush();
    }

    public void record(String source, byte[] data) {
        if (json != null) {
            Map<String, Object> r = Json.object();
            r.put("map", source);
            r.put("data", MapDump.hex(data));
            records.add(r);
            return;
        }
        out.println("record " + source + ": " + MapDump.hex(data));
        out.flush();
    }

    /** One run's r0; {@code packetLength} is the packet's length, which a socket filter's verdict is read against. */
    public void result(long r0, ProgramType programType, int packetLength) {
        if (runs == 0) {
            first = r0;
        }
        allSame &= Verdicts.retval(r0, programType) == Verdicts.retval(first, programType);
        last = r0;
        runs++;
        type = programType;
        this.packetLength = packetLength;
    }

    /** The last run's return value and, for several runs with different results, a note saying so. */
    public void returnValue(long repeat) {
        long retval = Verdicts.retval(last, type);
        if (json != null) {
            json.put("runs", runs);
            json.put("retval", Json.unsigned(retval));
            json.put("r0", Json.unsigned(last));
            json.put("verdict", Verdicts.name(retval, type, packetLength));
            if (!allSame) {
                json.put("first_retval", Json.unsigned(Verdicts.retval(first, type)));
            }
            return;
        }
        StringBuilder sb = new StringBuilder("return value: ").append(format(last, type, packetLength));
        if (repeat > 1 && !allSame) {
            sb.append(" (last of ").append(runs).append(" runs; the first returned ")
                    .append(format(first, type, packetLength)).append(')');
        }
        out.println(sb);
    }

    /**
     * The return value as the hook sees it, in decimal; in hex too when it is no small
     * non-negative number; its name when the type has one; and r0 when the hook dropped its upper half.
     */
    static String format(long r0, ProgramType type, int packetLength) {
        long retval = Verdicts.retval(r0, type);
        String s = Long.toUnsignedString(retval);
        List<String> notes = new ArrayList<>();
        if (retval < 0 || retval > Integer.MAX_VALUE) {
            notes.add("0x" + Long.toHexString(retval));
        }
        String verdict = Verdicts.name(retval, type, packetLength);
        if (verdict != null) {
            notes.add(verdict);
        }
        if (retval != r0) {
            notes.add("r0 0x" + Long.toHexString(r0) + ", of which the hook takes the low 32 bits");
        }
        return notes.isEmpty() ? s : s + " (" + String.join("; ", notes) + ")";
    }

    /**
     * What the last run did to its packet ({@code what}: "packet") or memory: nothing printed
     * when it left the bytes alone; a hex dump with the changed bytes marked otherwise.
     */
    public void data(String what, byte[] before, byte[] after) {
        List<Integer> changed = ByteDiff.changed(before, after);
        if (json != null) {
            Map<String, Object> d = Json.object();
            d.put("size_in", before.length);
            d.put("size", after.length);
            d.put("hex", MapDump.hex(after));
            d.put("changed", changed);
            json.put(what + "_out", d);
            return;
        }
        if (changed.isEmpty() && before.length == after.length) {
            return;
        }
        out.println(what + ": " + changed.size() + " of " + after.length + " bytes changed"
                + (before.length != after.length ? " (was " + before.length + " bytes)" : ""));
        out.print(ByteDiff.dump(before, after, "  "));
    }

    /** The named context fields whose value the last run changed, {@code name: before -> after}. */
    public void context(Map<String, Object> before, Map<String, Object> after) {
        List<Object> changes = Json.array();
        for (Map.Entry<String, Object> e : after.entrySet()) {
            Object was = before.get(e.getKey());
            if (!Objects.equals(was, e.getValue())) {
                Map<String, Object> c = Json.object();
                c.put("field", e.getKey());
                c.put("before", was);
                c.put("after", e.getValue());
                changes.add(c);
            }
        }
        if (json != null) {
            json.put("ctx_changes", changes);
            return;
        }
        if (changes.isEmpty()) {
            return;
        }
        out.println("context changes:");
        for (Object o : changes) {
            Map<?, ?> c = (Map<?, ?>) o;
            out.println("  " + c.get("field") + ": " + c.get("before") + " -> " + c.get("after"));
        }
    }

    /** Every map's entries (see {@link MapsReport}). */
    public void maps(LoadedObject object, boolean all) {
        if (json != null) {
            json.put("maps", MapsReport.json(object, all));
            return;
        }
        MapsReport.text(object, all, out);
    }

    /** Prints the JSON object (nothing for text, which was printed as it came). */
    public void finish() {
        if (json != null) {
            json.put("printk", printk);
            json.put("records", records);
            out.println(pretty ? Json.pretty(json) : Json.write(json));
        }
        out.flush();
    }
}
