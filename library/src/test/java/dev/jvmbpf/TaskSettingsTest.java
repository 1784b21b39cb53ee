package dev.jvmbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmbpf.runtime.exec.TaskSettings;
import dev.jvmbpf.runtime.maps.Cpus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ObjectSpec#task} and {@link LoadedObject#task}: the task and clock the helpers report. */
class TaskSettingsTest {
    private static final Path ROOT = Path.of(System.getProperty("jvmbpf.root", "..")).toAbsolutePath().normalize();

    @Test
    void theHelpersReportTheSettingsAndLaterRunsTheNewOnes() {
        TaskSettings task = TaskSettings.HOST.withTgid(100).withPid(101).withUid(1000).withGid(1001).withComm("sshd")
                .withCpu(0).withTimeNanos(5_000_000_000L);
        for (var engine : new dev.jvmbpf.runtime.exec.Engine[] {Bpf.interpreter(), Bpf.jit()}) {
            try (LoadedObject obj = Bpf.open(ROOT.resolve("examples/task_info.o")).engine(engine).task(task).load()) {
                Program who = obj.program("who");
                assertEquals(100, who.run());
                @SuppressWarnings("unchecked")
                Map<String, Object> seen = (Map<String, Object>) obj.map("seen").get(100);
                assertEquals(101L, seen.get("pid"));
                assertEquals(1000L, seen.get("uid"));
                assertEquals(1001L, seen.get("gid"));
                assertEquals(0L, seen.get("cpu"));
                assertEquals(5_000_000_000L, seen.get("time_ns"));
                assertEquals("sshd", seen.get("comm"));
                obj.task(task.withTgid(200).withComm("cron"));
                assertEquals(200, who.run());
                assertEquals("cron", ((Map<?, ?>) obj.map("seen").get(200)).get("comm"));
                assertEquals(101L, ((Map<?, ?>) obj.map("seen").get(200)).get("pid"));
            }
        }
    }

    @Test
    void theRunLeavesTheThreadOnItsOwnCpu() {
        int home = Cpus.current();
        int other = (home + 1) % Cpus.count();
        try (LoadedObject obj = Bpf.open(ROOT.resolve("examples/task_info.o")).task(TaskSettings.HOST.withCpu(other))
                .load()) {
            obj.program("who").run();
            assertEquals(home, Cpus.current());
            Map<?, ?> seen = (Map<?, ?>) obj.map("seen").entries().values().iterator().next();
            assertEquals((long) other, seen.get("cpu"));
        }
    }

    @Test
    void impossibleSettingsAreRefused() {
        ObjectSpec spec = Bpf.open(ROOT.resolve("examples/task_info.o"));
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> spec.task(TaskSettings.HOST.withCpu(Cpus.count())));
        assertTrue(cpu.getMessage().contains("is not one of this machine's"), cpu.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskSettings.HOST.withComm("sixteen bytes!!!"));
        assertTrue(TaskSettings.HOST.isHost());
    }
}
