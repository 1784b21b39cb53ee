package dev.jvmbpf.runtime.object;

import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import dev.jvmbpf.runtime.program.ProgramType;
import dev.jvmbpf.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Map definitions of real objects from {@code ../shared/corpora/realworld} (skipped where that
 * shared folder is absent): BTF definitions that annotate perf event arrays and ring buffers with
 * types, maps of maps with an inner template, and PREVAIL-era {@code maps/NAME} sections.
 */
class CorpusMapDefinitionsTest {
    private static Path object(String relative) {
        return SharedData.CORPORA.require("realworld").resolve(relative);
    }

    @Test
    void ringBufferValueTypeIsDocumentationOnly() throws IOException {
        BpfObject obj = BpfObject.open(object("ebpf-samples/cilium-examples/ringbuffer_bpf_bpfel.o"));
        MapSpec spec = obj.map("events").map().spec();
        assertEquals(MapType.RINGBUF, spec.type());
        assertEquals(0, spec.keySize());
        assertEquals(0, spec.valueSize());
    }

    @Test
    void perfEventArrayValueTypeIsDocumentationOnly() throws IOException {
        BpfObject obj = BpfObject.open(object("ebpf-samples/cilium-examples/uretprobe_bpf_x86_bpfel.o"));
        MapSpec spec = obj.map("events").map().spec();
        assertEquals(MapType.PERF_EVENT_ARRAY, spec.type());
        assertEquals(4, spec.keySize());
        assertEquals(4, spec.valueSize());
    }

    @Test
    void mapsOfMapsOpenWithTheirInnerTemplateNoted() throws IOException {
        BpfObject obj = BpfObject.open(object("ebpf-samples/build/map_in_map.o"));
        assertTrue(obj.maps().stream().anyMatch(m -> m.spec().type() == MapType.ARRAY_OF_MAPS
                || m.spec().type() == MapType.HASH_OF_MAPS), obj.maps().toString());
    }

    @Test
    void iproute2TailCallSectionsFillTheProgramArrayWithTheirId() throws IOException {
        // cilium_calls_xdp is a bpf_elf_map with id 2; sections 2/7, 2/19 ... are its slots
        BpfObject obj = BpfObject.open(object("ebpf-samples/cilium/bpf_xdp_dsr_linux.o"));
        ObjectMap calls = obj.map("cilium_calls_xdp");
        assertEquals(MapType.PROG_ARRAY, calls.spec().type());
        assertEquals("tail_lb_ipv4", calls.programSlots().get(7));
        assertEquals("tail_handle_nat_fwd_ipv4", calls.programSlots().get(19));
        // sections without function symbols (old clang) name their program after the section
        BpfObject lxc = BpfObject.open(object("ebpf-samples/cilium/bpf_lxc.o"));
        assertTrue(lxc.maps().stream().anyMatch(m -> "2_1".equals(m.programSlots().get(1))), lxc.maps().toString());
    }

    @Test
    void untypedProgramsTakeTheTypeTheLoaderGives() throws IOException {
        // ip link set dev X xdp obj bpf_xdp.o sec from-netdev: iproute2 makes every program XDP
        BpfObject obj = BpfObject.open(object("ebpf-samples/cilium/bpf_xdp_dsr_linux.o"));
        assertEquals(ProgramType.RAW, obj.program("bpf_xdp_entry").type());
        int retyped = obj.setTypeOfUntypedPrograms(ProgramType.XDP);
        assertEquals(obj.programs().size(), retyped);
        assertTrue(obj.programs().stream().allMatch(p -> p.type() == ProgramType.XDP));
        assertEquals(0, obj.setTypeOfUntypedPrograms(ProgramType.SCHED_CLS), "typed programs keep their type");
    }

    @Test
    void mapsInTheirOwnSectionsAreLegacyDefinitions() throws IOException {
        BpfObject obj = BpfObject.open(object("ebpf-samples/build/map_in_map_legacy.o"));
        assertEquals(MapType.ARRAY_OF_MAPS, obj.map("array_of_maps").spec().type());
        assertEquals(MapKind.LEGACY, obj.map("inner_map").kind());
        assertEquals(MapType.ARRAY, obj.map("inner_map").spec().type());
    }
}
