package dev.jvmbpf.cli.internal;

import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.maps.MapDump;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.object.ObjectMap;
import dev.jvmbpf.runtime.program.ProgramType;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What {@code jvmbpf run} prints: printk lines and ring-buffer/perf records as they come
 * ({@code ringbuf events: 2a 00 ...}), then {@code return value: N}, then with
 * {@code --dump-maps} each map's entries.
 */
public final class RunReport {
    private final PrintWriter out;
    private long first;
    private long last;
    private long runs;
    private boolean allSame = true;
    private ProgramType type;

    public RunReport(PrintWriter out) {
        this.out = out;
    }

    public void printk(String line) {
        out.println(line);
        out.flush();
    }

    public void record(String source, byte[] data) {
        out.println("record " + source + ": " + MapDump.hex(data));
        out.flush();
    }

    public void result(long r0, ProgramType programType) {
        if (runs == 0) {
            first = r0;
        }
        allSame &= r0 == first;
        last = r0;
        runs++;
        type = programType;
    }

    /** The last run's r0 and, for several runs with different results, a note saying so. */
    public void returnValue(long repeat) {
        StringBuilder sb = new StringBuilder("return value: ").append(format(last, type));
        if (repeat > 1 && !allSame) {
            sb.append(" (last of ").append(runs).append(" runs; the first returned ").append(format(first, type))
                    .append(')');
        }
        out.println(sb);
    }

    /** r0 in decimal; in hex too when it is no small non-negative number; XDP verdicts by name. */
    static String format(long r0, ProgramType type) {
        String s = Long.toString(r0);
        if (r0 < 0 || r0 > Integer.MAX_VALUE) {
            s += " (0x" + Long.toHexString(r0) + ")";
        } else if (type == ProgramType.XDP) {
            String verdict = switch ((int) r0) {
                case 0 -> "XDP_ABORTED";
                case 1 -> "XDP_DROP";
                case 2 -> "XDP_PASS";
                case 3 -> "XDP_TX";
                case 4 -> "XDP_REDIRECT";
                default -> null;
            };
            if (verdict != null) {
                s += " (" + verdict + ")";
            }
        }
        return s;
    }

    public void maps(LoadedObject object) {
        for (ObjectMap m : object.object().maps()) {
            out.println("map " + m.name() + " (" + m.spec().type().name().toLowerCase(Locale.ROOT) + "):");
            String body;
            if (m.map() instanceof ProgramArray array) {
                StringBuilder sb = new StringBuilder();
                for (int slot = 0; slot < m.spec().maxEntries(); slot++) {
                    Executable e = array.program(slot);
                    if (e != null) {
                        sb.append("key: ").append(slot).append(" value: ").append(e.program().name()).append('\n');
                    }
                }
                body = sb.toString();
            } else {
                body = switch (m.spec().type()) {
                    case RINGBUF, PERF_EVENT_ARRAY -> "";
                    default -> object.object().dump(m.name());
                };
            }
            if (body.isEmpty()) {
                out.println("  (empty)");
            }
            body.lines().forEach(l -> out.println("  " + l));
        }
    }
}
