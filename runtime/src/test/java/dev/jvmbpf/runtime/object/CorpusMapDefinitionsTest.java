package dev.jvmbpf.runtime.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.maps.MapSpec;
import dev.jvmbpf.runtime.maps.MapType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Map definitions of real objects from {@code ../shared/corpora/realworld} (skipped where that
 * shared folder is absent): BTF definitions that annotate perf event arrays and ring buffers with
 * types, maps of maps with an inner template, and PREVAIL-era {@code maps/NAME} sections.
 */
class CorpusMapDefinitionsTest {
    private static Path object(String relative) {
        String root = System.getProperty("jvmbpf.root");
        Path corpus = (root == null ? Path.of("..") : Path.of(root).resolve("..")).resolve("shared/corpora/realworld")
                .normalize();
        Assumptions.assumeTrue(Files.isDirectory(corpus), corpus + " is absent (it comes from the CI machine's shared"
                + " folder, ../shared/corpora)");
        return corpus.resolve(relative);
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
    void mapsInTheirOwnSectionsAreLegacyDefinitions() throws IOException {
        BpfObject obj = BpfObject.open(object("ebpf-samples/build/map_in_map_legacy.o"));
        assertEquals(MapType.ARRAY_OF_MAPS, obj.map("array_of_maps").spec().type());
        assertEquals(MapKind.LEGACY, obj.map("inner_map").kind());
        assertEquals(MapType.ARRAY, obj.map("inner_map").spec().type());
    }
}
