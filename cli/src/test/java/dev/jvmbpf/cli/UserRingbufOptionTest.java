package dev.jvmbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code run --user-ringbuf MAP=HEX}: samples a program drains with bpf_user_ringbuf_drain. */
class UserRingbufOptionTest {
    private static final String OBJECT = Path.of(System.getProperty("jvmbpf.root", ".."), "library", "src", "test",
            "resources", "bpf", "drain_timer_storage.o").normalize().toString();
    private static final String PACKET = "ffffffffffff0011223344550800";

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "jit"})
    void samplesAreDrainedByTheProgram(String engine) {
        CliRun r = CliRun.of("run", OBJECT, "-p", "drain", "--engine", engine, "--packet-hex", PACKET,
                "--user-ringbuf", "samples=0500000000000000", "--user-ringbuf", "samples=07:00:00:00:00:00:00:00",
                "--dump-maps");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(".drained = 2"), r.out());
        assertTrue(r.out().contains(".sum = 12"), r.out());
    }

    @Test
    void badSamplesAreOneLineErrors() {
        CliRun noEquals = CliRun.of("run", OBJECT, "-p", "drain", "--packet-hex", PACKET, "--user-ringbuf", "samples");
        assertEquals(2, noEquals.status(), noEquals.err());
        assertTrue(noEquals.err().contains("--user-ringbuf samples: expected MAP=HEX"), noEquals.err());
        CliRun notHex = CliRun.of("run", OBJECT, "-p", "drain", "--packet-hex", PACKET, "--user-ringbuf", "samples=zz");
        assertEquals(2, notHex.status(), notHex.err());
        CliRun wrongMap = CliRun.of("run", OBJECT, "-p", "drain", "--packet-hex", PACKET, "--user-ringbuf", "events=00");
        assertEquals(1, wrongMap.status(), wrongMap.err());
        assertTrue(wrongMap.err().contains("not a user ring buffer"), wrongMap.err());
        assertFalse(wrongMap.err().contains("\tat "), "no stack trace: " + wrongMap.err());
    }
}
