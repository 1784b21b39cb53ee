package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.Executable;
import dev.jvmbpf.runtime.exec.HelperTable;
import dev.jvmbpf.runtime.exec.Machine;
import dev.jvmbpf.runtime.exec.Output;
import dev.jvmbpf.runtime.interp.Interpreter;
import dev.jvmbpf.runtime.verifier.Verifier;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel selftest verifier_bitfield_write (from the corpus): BPF_CORE_READ_BITFIELD and
 * BPF_CORE_WRITE_BITFIELD relocated, as its {@code __btf_path} asks, against the BTF-only object
 * btf__core_reloc_bitfields: every relocation resolves and each program returns its
 * {@code __retval}, as the kernel's run gave.
 */
class CoreSelftestTest {
    @Test
    void bitfieldRoundtripsAgainstTheSelftestTargetBtf() throws IOException {
        Path dir = SharedData.CORPORA.require("verifier-selftests");
        BpfObject obj = BpfObject.open(Files.readAllBytes(dir.resolve("obj/verifier_bitfield_write.o")),
                "verifier_bitfield_write.o", MapFactory.standard(), Kconfig.empty(),
                CoreTarget.file(dir.resolve("obj/btf/btf__core_reloc_bitfields.o")));
        Map<String, Long> retvals = new LinkedHashMap<>();
        Matcher m = Pattern.compile("__retval\\((\\w+)\\)\\s*\\nint (\\w+)\\(")
                .matcher(Files.readString(dir.resolve("src/verifier_bitfield_write.c")));
        while (m.find()) {
            retvals.put(m.group(2), Long.decode(m.group(1)));
        }
        assertEquals(4, retvals.size(), retvals.toString());
        for (Map.Entry<String, Long> e : retvals.entrySet()) {
            ObjectProgram p = obj.program(e.getKey());
            assertTrue(p.unresolved().isEmpty(), p.unresolved().toString());
            HelperTable helpers = HelperTable.empty();
            Executable x = new Interpreter().load(Verifier.verify(p.program(), helpers), helpers);
            Machine machine = x.newMachine(Output.discard());
            machine.beginRun();
            assertEquals(e.getValue(), x.execute(machine, 0, 0, 0, 0, 0), e.getKey());
        }
    }
}
