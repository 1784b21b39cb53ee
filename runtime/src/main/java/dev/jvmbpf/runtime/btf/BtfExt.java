package dev.jvmbpf.runtime.btf;

import dev.jvmbpf.runtime.elf.internal.Window;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per code section, which BTF FUNC starts at which instruction
 * (func_info) and which source line each instruction came from (line_info). Offsets are kept
 * as instruction indexes within their section; and the CO-RE relocation records of each section
 * ({@link CoreRelo}), which the object loader applies with {@link CoreResolver}.
 */
public final class BtfExt {
    /** Function {@code typeId} (a FUNC) starts at instruction {@code insn} of its section. */
    public record FuncInfo(int insn, int typeId) {
    }

    /** Instruction {@code insn} comes from {@code file}:{@code line}:{@code column}, whose text is {@code source}. */
    public record LineInfo(int insn, String file, String source, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + (source.isEmpty() ? "" : " " + source.strip());
        }
    }

    private final Map<String, List<FuncInfo>> funcInfo;
    private final Map<String, List<LineInfo>> lineInfo;
    private final Map<String, List<CoreRelo>> coreRelos;

    private BtfExt(Map<String, List<FuncInfo>> funcInfo, Map<String, List<LineInfo>> lineInfo,
            Map<String, List<CoreRelo>> coreRelos) {
        this.funcInfo = funcInfo;
        this.lineInfo = lineInfo;
        this.coreRelos = coreRelos;
    }

    /** An empty table, for objects built without {@code -g}. */
    public static BtfExt empty() {
        return new BtfExt(Map.of(), Map.of(), Map.of());
    }

    /** Parses {@code data}; names and strings come from {@code btf}'s string section. */
    public static BtfExt parse(byte[] data, Btf btf, String where) {
        Window all = new Window(data, 0, data.length, (off, why) -> new BtfException(where + " offset " + off + ": " + why));
        if (all.u16(0) != Btf.MAGIC) {
            throw all.fail(0, "bad BTF.ext magic 0x" + Integer.toHexString(all.u16(0)));
        }
        if (all.u8(2) != 1) {
            throw all.fail(2, "unsupported BTF.ext version " + all.u8(2));
        }
        long headerLength = all.u32(4);
        if (headerLength < 24 || headerLength > data.length) {
            throw all.fail(4, "BTF.ext header length " + headerLength + " out of range");
        }
        Window funcs = all.sub(headerLength + all.u32(8), all.u32(12),
                (off, why) -> new BtfException(where + " func_info offset " + off + ": " + why));
        Window lines = all.sub(headerLength + all.u32(16), all.u32(20),
                (off, why) -> new BtfException(where + " line_info offset " + off + ": " + why));
        Map<String, List<CoreRelo>> core = new LinkedHashMap<>();
        if (headerLength >= 32 && all.u32(28) > 0) {
            Window relos = all.sub(headerLength + all.u32(24), all.u32(28),
                    (off, why) -> new BtfException(where + " core_relo offset " + off + ": " + why));
            // struct bpf_core_relo { u32 insn_off, type_id, access_str_off; u32 kind; }
            readBlocks(relos, btf, 16, (section, rec, at) -> {
                List<CoreRelo> list = core.computeIfAbsent(section, k -> new ArrayList<>());
                long typeId = rec.u32(at + 4);
                if (typeId >= btf.size()) {
                    throw rec.fail(at + 4, "CO-RE relocation names type " + typeId + " but there are only "
                            + btf.size() + " types");
                }
                list.add(new CoreRelo(list.size(), insnIndex(rec, at), (int) typeId, stringOrEmpty(btf, rec, at + 8),
                        rec.s32(at + 12)));
            });
            core.replaceAll((k, v) -> Collections.unmodifiableList(v));
        }
        Map<String, List<FuncInfo>> f = new LinkedHashMap<>();
        readBlocks(funcs, btf, 8, (section, rec, at) -> f.computeIfAbsent(section, k -> new ArrayList<>())
                .add(new FuncInfo(insnIndex(rec, at), rec.s32(at + 4))));
        Map<String, List<LineInfo>> l = new LinkedHashMap<>();
        readBlocks(lines, btf, 16, (section, rec, at) -> {
            int lineCol = rec.s32(at + 12);
            l.computeIfAbsent(section, k -> new ArrayList<>()).add(new LineInfo(insnIndex(rec, at),
                    stringOrEmpty(btf, rec, at + 4), stringOrEmpty(btf, rec, at + 8), lineCol >>> 10, lineCol & 0x3ff));
        });
        f.replaceAll((k, v) -> Collections.unmodifiableList(v));
        l.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return new BtfExt(Collections.unmodifiableMap(f), Collections.unmodifiableMap(l),
                Collections.unmodifiableMap(core));
    }

    /** func_info of code section {@code section} (empty when none). */
    public List<FuncInfo> funcInfo(String section) {
        return funcInfo.getOrDefault(section, List.of());
    }

    /** line_info of code section {@code section}, ordered by instruction (empty when none). */
    public List<LineInfo> lineInfo(String section) {
        return lineInfo.getOrDefault(section, List.of());
    }

    public Map<String, List<LineInfo>> allLineInfo() {
        return lineInfo;
    }

    /** How many CO-RE relocation records the object carries, in all sections. */
    public int coreRelocations() {
        int n = 0;
        for (List<CoreRelo> l : coreRelos.values()) {
            n += l.size();
        }
        return n;
    }

    /** The CO-RE relocations of code section {@code section}, in record order (empty when none). */
    public List<CoreRelo> coreRelos(String section) {
        return coreRelos.getOrDefault(section, List.of());
    }

    /** The CO-RE relocations of every section that has some, by section name. */
    public Map<String, List<CoreRelo>> allCoreRelos() {
        return coreRelos;
    }

    @FunctionalInterface
    private interface RecordSink {
        void accept(String section, Window records, long at);
    }

    private static int insnIndex(Window rec, long at) {
        long off = rec.u32(at);
        if (off % 8 != 0) {
            throw rec.fail(at, "instruction offset " + off + " is not a multiple of 8");
        }
        return (int) (off / 8);
    }

    private static String stringOrEmpty(Btf btf, Window rec, long at) {
        long off = rec.u32(at);
        try {
            return btf.string(off);
        } catch (BtfException e) {
            throw rec.fail(at, "string offset " + off + ": " + e.getMessage());
        }
    }

    /** Blocks of {@code sec_name_off, num_info, records[num_info]} after a {@code rec_size} word. */
    private static void readBlocks(Window w, Btf btf, int minRecord, RecordSink sink) {
        if (w.length() == 0) {
            return;
        }
        long recordSize = w.u32(0);
        if (recordSize < minRecord || recordSize > 1024) {
            throw w.fail(0, "record size " + recordSize + " (expected at least " + minRecord + ")");
        }
        long at = 4;
        while (at < w.length()) {
            String section = stringOrEmpty(btf, w, at);
            long count = w.u32(at + 4);
            at += 8;
            if (count > (w.length() - at) / recordSize) {
                throw w.fail(at - 4, count + " records of " + recordSize + " bytes for section " + section
                        + " overrun the table");
            }
            for (long i = 0; i < count; i++, at += recordSize) {
                sink.accept(section, w, at);
            }
        }
    }

}
