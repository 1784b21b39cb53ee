package dev.jvmbpf.cli.internal;

import dev.jvmbpf.LoadedObject;
import dev.jvmbpf.TypedMap;
import dev.jvmbpf.runtime.btf.Btf;
import dev.jvmbpf.runtime.btf.BtfFormatter;
import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.maps.Cpus;
import dev.jvmbpf.runtime.maps.MapDump;
import dev.jvmbpf.runtime.maps.MapEntry;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.maps.ProgramArray;
import dev.jvmbpf.runtime.object.ObjectMap;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The maps of an object after a run, as text ({@code map NAME (TYPE):} then one line per entry,
 * keys and values typed by BTF when the object has it, hex otherwise) or as JSON. Per-CPU maps
 * show each CPU's value; arrays leave out their all-zero entries unless {@code all}.
 */
public final class MapsReport {
    private MapsReport() {
    }

    public static void text(LoadedObject object, boolean all, PrintWriter out) {
        Btf btf = object.object().btf();
        BtfFormatter formatter = btf == null ? null : new BtfFormatter(btf);
        for (ObjectMap m : object.object().maps()) {
            MapType type = m.spec().type();
            out.println("map " + m.name() + " (" + typeName(type) + "):");
            StringBuilder sb = new StringBuilder();
            int hidden = 0;
            if (m.map() instanceof ProgramArray array) {
                for (int slot = 0; slot < m.spec().maxEntries(); slot++) {
                    Executable e = array.program(slot);
                    if (e != null) {
                        sb.append("  key: ").append(slot).append(" value: ").append(e.program().name()).append('\n');
                    }
                }
            } else if (type != MapType.RINGBUF && type != MapType.PERF_EVENT_ARRAY) {
                int size = m.spec().valueSize();
                for (MapEntry e : m.map().entries()) {
                    if (!all && isArray(type) && allZero(e.value())) {
                        hidden++;
                        continue;
                    }
                    sb.append("  ");
                    if (e.key().length > 0) {
                        sb.append("key: ").append(format(formatter, m.keyType(), e.key())).append(type.isPerCpuArrayOrHash() ? "" : " ");
                    }
                    if (type.isPerCpuArrayOrHash()) {
                        sb.append('\n');
                        int stride = Cpus.stride(size);
                        for (int cpu = 0; cpu * stride + size <= e.value().length; cpu++) {
                            byte[] one = Arrays.copyOfRange(e.value(), cpu * stride, cpu * stride + size);
                            sb.append("    value (CPU ").append(cpu).append("): ")
                                    .append(format(formatter, m.valueType(), one)).append('\n');
                        }
                    } else {
                        sb.append("value: ").append(format(formatter, m.valueType(), e.value())).append('\n');
                    }
                }
            }
            if (sb.isEmpty() && hidden == 0) {
                out.println("  (empty)");
            }
            out.print(sb);
            if (hidden > 0) {
                out.println("  (" + hidden + " zero " + (hidden == 1 ? "entry" : "entries") + " not shown; --all shows them)");
            }
        }
    }

    /**
     * One JSON object per map: {@code name}, {@code type}, {@code key_type} and
     * {@code value_type} (C spellings, null without BTF), {@code entries} (each {@code key} and
     * {@code value}, or for a per-CPU map {@code values}: [{@code cpu}, {@code value}]...) and
     * {@code hidden_zero_entries}.
     */
    public static List<Object> json(LoadedObject object, boolean all) {
        List<Object> maps = Json.array();
        for (ObjectMap m : object.object().maps()) {
            MapType type = m.spec().type();
            TypedMap typed = object.map(m.name());
            Map<String, Object> o = Json.object();
            o.put("name", m.name());
            o.put("type", typeName(type));
            o.put("key_type", typed.keyType());
            o.put("value_type", typed.valueType());
            List<Object> entries = Json.array();
            int hidden = 0;
            if (m.map() instanceof ProgramArray array) {
                for (int slot = 0; slot < m.spec().maxEntries(); slot++) {
                    Executable e = array.program(slot);
                    if (e != null) {
                        Map<String, Object> entry = Json.object();
                        entry.put("key", slot);
                        entry.put("value", e.program().name());
                        entries.add(entry);
                    }
                }
            } else if (type != MapType.RINGBUF && type != MapType.PERF_EVENT_ARRAY) {
                for (MapEntry e : m.map().entries()) {
                    if (!all && isArray(type) && allZero(e.value())) {
                        hidden++;
                        continue;
                    }
                    Map<String, Object> entry = Json.object();
                    entry.put("key", e.key().length == 0 ? null : value(typed.keyOf(e.key())));
                    Object v = typed.valueOf(e.value());
                    if (type.isPerCpuArrayOrHash()) {
                        List<Object> values = Json.array();
                        List<?> each = (List<?>) v;
                        for (int cpu = 0; cpu < each.size(); cpu++) {
                            Map<String, Object> one = Json.object();
                            one.put("cpu", cpu);
                            one.put("value", value(each.get(cpu)));
                            values.add(one);
                        }
                        entry.put("values", values);
                    } else {
                        entry.put("value", value(v));
                    }
                    entries.add(entry);
                }
            }
            o.put("entries", entries);
            o.put("hidden_zero_entries", hidden);
            maps.add(o);
        }
        return maps;
    }

    /** A typed value as JSON: bytes as hex text, the rest as it is. */
    static Object value(Object v) {
        return switch (v) {
            case byte[] b -> MapDump.hex(b);
            case Map<?, ?> m -> {
                Map<String, Object> o = Json.object();
                m.forEach((k, x) -> o.put(String.valueOf(k), value(x)));
                yield o;
            }
            case List<?> l -> l.stream().map(MapsReport::value).toList();
            case BigInteger b -> b;
            case null, default -> v;
        };
    }

    private static String format(BtfFormatter formatter, int typeId, byte[] bytes) {
        return formatter == null || typeId == 0 ? MapDump.hex(bytes) : formatter.format(typeId, bytes);
    }

    static String typeName(MapType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static boolean isArray(MapType type) {
        return type == MapType.ARRAY || type == MapType.PERCPU_ARRAY;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
