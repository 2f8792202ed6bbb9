package dev.medbase.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    @TempDir
    Path tmp;

    private static final Map<String, String> ENV = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

    @AfterEach
    void noOrphans() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(FakeRepo.liveDescendants()).isEmpty());
    }

    private ChildProcess sh(String name, String script) {
        return ChildProcess.start(name, List.of("/bin/sh", "-c", script), ENV, tmp.resolve(name + ".log"), tmp);
    }

    @Test
    void stopEndsTheChildAndItsDescendants() {
        ChildProcess child = sh("tree", "sleep 600 & sleep 600 & echo ready; wait");
        await().until(() -> child.handle().descendants().count() == 2);
        List<ProcessHandle> family = child.handle().descendants().toList();

        assertThat(child.stop(Duration.ofSeconds(10))).isTrue();

        assertThat(child.isAlive()).isFalse();
        assertThat(family).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void whatIgnoresSigtermIsKilledAfterTheGracePeriod() {
        // Ignored signals are inherited, so the sleep ignores SIGTERM too.
        ChildProcess child = sh("stubborn", "trap '' TERM; sleep 600 & wait");
        await().until(() -> child.handle().descendants().count() == 1);
        List<ProcessHandle> family = child.handle().descendants().toList();

        assertThat(child.stop(Duration.ofMillis(500))).isFalse();

        assertThat(child.isAlive()).isFalse();
        assertThat(family).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void outputGoesToTheLogAndItsTailIsAvailable() throws Exception {
        ChildProcess first = sh("talker", "echo old run");
        await().until(() -> !first.isAlive());

        ChildProcess child = sh("talker", "for i in 1 2 3 4 5; do echo line $i; done; echo oops >&2; exit 7");
        await().until(() -> !child.isAlive());

        assertThat(child.exitCode()).contains(7);
        assertThat(child.logTail(3)).containsExactly("line 4", "line 5", "oops");
        assertThat(child.logTail(100)).hasSize(6);
        assertThat(tmp.resolve("talker.log.1")).content().isEqualTo("old run\n");
    }

    @Test
    void theChildSeesOnlyTheEnvironmentItIsGiven() throws Exception {
        ChildProcess child = ChildProcess.start("env", List.of("/usr/bin/env"), Map.of("ONLY", "this"),
                tmp.resolve("env.log"), tmp);
        await().until(() -> !child.isAlive());
        assertThat(Files.readAllLines(child.logFile())).containsExactly("ONLY=this");
    }

    @Test
    void theWatchdogEndsTheChildrenWhenTheParentIsGone() {
        ChildProcess a = sh("a", "sleep 600");
        ChildProcess b = sh("b", "trap '' TERM; sleep 600");
        Watchdog watchdog = Watchdog.watch(List.of(a.handle(), b.handle()), 1).orElseThrow();

        watchdog.parentGone(); // what this JVM's death does: the watchdog's stdin reaches end-of-file

        await().atMost(Duration.ofSeconds(15)).until(() -> !a.isAlive() && !b.isAlive());
        await().until(() -> !watchdog.isAlive());
    }

    @Test
    void aClosedWatchdogLeavesTheChildrenAlone() throws Exception {
        ChildProcess a = sh("a", "sleep 600");
        Watchdog watchdog = Watchdog.watch(List.of(a.handle())).orElseThrow();

        watchdog.close();

        assertThat(watchdog.isAlive()).isFalse(); // gone before its pipe closed, so it never acted
        assertThat(a.isAlive()).isTrue();
        a.stop(Duration.ofSeconds(5));
    }
}
