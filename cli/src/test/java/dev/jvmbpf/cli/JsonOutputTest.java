package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --json} of verify, conformance and fuzz, parsed by a JSON library other than the writer. */
class JsonOutputTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("jvmbpf.root", ".."), "examples").normalize();

    @TempDir
    Path dir;

    @Test
    void verifyGivesOneObjectPerProgram() {
        CliRun r = CliRun.of("verify", EXAMPLES.resolve("tail_calls.o").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "compact: " + r.out());
        JsonObject report = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(report.get("kernel").isJsonNull(), "no --compare: " + report);
        JsonArray programs = report.getAsJsonArray("programs");
        assertEquals(List.of("stage0", "stage1", "stage2", "entry"),
                programs.asList().stream().map(p -> p.getAsJsonObject().get("name").getAsString()).toList());
        for (JsonElement p : programs) {
            JsonObject o = p.getAsJsonObject();
            JsonObject verdict = o.getAsJsonObject("jvmbpf");
            assertTrue(verdict.get("accepted").getAsBoolean(), o.toString());
            assertTrue(o.get("instructions").getAsInt() > 0, o.toString());
            assertTrue(verdict.get("reason").isJsonNull(), o.toString());
        }
    }

    @Test
    void verifyReportsARefusalInTheObjectAndTheExitStatus() throws IOException {
        Path bad = Files.writeString(dir.resolve("r10.s"), "or %r0, %r10\nexit\n");
        CliRun r = CliRun.of("verify", bad.toString(), "--json", "--pretty");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("pc 0"), r.err());
        JsonObject refused = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("programs").get(0)
                .getAsJsonObject().getAsJsonObject("jvmbpf");
        assertFalse(refused.get("accepted").getAsBoolean());
        assertEquals(0, refused.get("pc").getAsInt());
        Path good = Files.writeString(dir.resolve("ok.s"), "mov %r0, 1\nexit\n");
        CliRun ok = CliRun.of("verify", good.toString(), "--json", "--pretty");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().lines().count() > 3, "indented: " + ok.out());
        JsonObject o = JsonParser.parseString(ok.out()).getAsJsonObject().getAsJsonArray("programs").get(0)
                .getAsJsonObject();
        assertEquals("ok.s", o.get("name").getAsString());
        assertEquals(2, o.get("instructions").getAsInt());
    }

    @Test
    void conformanceGivesEveryVectorAndTheTotals() throws IOException {
        Files.writeString(dir.resolve("a.data"), "-- asm\nmov %r0, 2\nexit\n-- result\n2\n");
        Files.writeString(dir.resolve("b.data"), "-- asm\nmov %r0, 2\nexit\n-- result\n3\n");
        Files.writeString(dir.resolve("c.data"), "-- asm\nexit\n-- unheard of\n");
        CliRun r = CliRun.of("conformance", dir.toString(), "--json");
        assertEquals(1, r.status(), "b fails");
        assertEquals(1, r.out().strip().lines().count(), r.out());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(List.of("interpreter"), o.getAsJsonArray("engines").asList().stream()
                .map(JsonElement::getAsString).toList());
        JsonArray vectors = o.getAsJsonArray("vectors");
        assertEquals(3, vectors.size());
        assertEquals("PASS", vectors.get(0).getAsJsonObject().get("status").getAsString());
        assertTrue(vectors.get(0).getAsJsonObject().get("detail").isJsonNull());
        JsonObject failed = vectors.get(1).getAsJsonObject();
        assertEquals("b", failed.get("name").getAsString());
        assertEquals("FAIL", failed.get("status").getAsString());
        assertEquals("expected 0x3 got 0x2", failed.get("detail").getAsString());
        assertEquals("SKIP", vectors.get(2).getAsJsonObject().get("status").getAsString());
        assertEquals(1, o.get("passed").getAsInt());
        assertEquals(1, o.get("failed").getAsInt());
        assertEquals(1, o.get("skipped").getAsInt());
    }

    @Test
    void fuzzGivesTheCampaignsFigures() {
        CliRun r = CliRun.of("fuzz", "--seed", "7", "--count", "20", "--engines", "interpreter,jit", "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(7, o.get("seed").getAsInt());
        assertEquals(20, o.get("programs").getAsInt());
        JsonObject engines = o.getAsJsonObject("engines");
        assertEquals(List.of("interpreter", "jit"), List.copyOf(engines.keySet()));
        for (String engine : engines.keySet()) {
            JsonObject c = engines.getAsJsonObject(engine);
            long total = c.get("returned").getAsLong() + c.get("faulted").getAsLong() + c.get("rejected").getAsLong()
                    + c.get("crashed").getAsLong();
            assertEquals(20, total, engine + ": every program has one outcome");
            assertEquals(0, c.get("disagreed").getAsLong());
        }
        assertTrue(o.get("instructions_compared").getAsLong() > 0);
        assertFalse(o.getAsJsonObject("forms_per_class").isEmpty());
        assertEquals(0, o.getAsJsonArray("mismatches").size());
    }
}
