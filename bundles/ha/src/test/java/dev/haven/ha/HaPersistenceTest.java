package dev.haven.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.ha.HaEvent;
import dev.haven.api.ha.HaPolicy;

/** What HA keeps on disk comes back after a runtime restart; bad policies are refused. */
class HaPersistenceTest {
    @TempDir
    Path home;

    static final HaPolicy POLICY = new HaPolicy(List.of("node2", "node1"), List.of("node3"), Duration.ofSeconds(60),
            Duration.ofMillis(500), 2, Duration.ofMillis(200), 5, true, Set.of("kv", "counter"));

    @Test
    void policiesSurviveARestartWithEveryField() {
        HaManagerImpl.PolicyFiles.save(home, "p1", POLICY);
        HaManagerImpl.PolicyFiles.save(home, "p2", POLICY.withEnabled(false));
        Map<String, HaPolicy> loaded = HaManagerImpl.PolicyFiles.loadAll(home);
        assertEquals(POLICY, loaded.get("p1"));
        assertEquals(POLICY.withEnabled(false), loaded.get("p2"));
    }

    @Test
    void anUnreadablePolicyFileIsSkippedNotFatal() throws Exception {
        HaManagerImpl.PolicyFiles.save(home, "p1", POLICY);
        Files.writeString(home.resolve("broken.policy"), "window=soon\n");
        assertEquals(List.of("p1"), List.copyOf(HaManagerImpl.PolicyFiles.loadAll(home).keySet()));
    }

    @Test
    void theEventLogIsAppendedAndReadBackInOrder() {
        HaLog log = new HaLog(home.resolve("events.log"));
        log.add("p1", HaEvent.Kind.FAILURE, "p1 failed on node1:\tnode crashed");
        log.add("p2", HaEvent.Kind.ENABLED, "on");
        log.add("p1", HaEvent.Kind.RECOVERED, "active on node2");
        HaLog reread = new HaLog(home.resolve("events.log"));
        assertEquals(List.of(HaEvent.Kind.FAILURE, HaEvent.Kind.RECOVERED),
                reread.events(Optional.of("p1")).stream().map(HaEvent::kind).toList());
        assertEquals("p1 failed on node1: node crashed", reread.events(Optional.of("p1")).get(0).message(),
                "a tab in a message must not break the line format");
        assertEquals(3, reread.events(Optional.empty()).size());
    }

    @Test
    void aPolicyNeedsAPositiveWindowAFairCheckpointPeriodAndSomethingToKeep() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HaPolicy(List.of("n"), List.of(), Duration.ZERO,
                Duration.ofSeconds(1), 1, Duration.ofSeconds(1), 3, false)).getMessage().contains("window"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HaPolicy(List.of("n"), List.of(), Duration.ofSeconds(1),
                Duration.ofMillis(10), 1, Duration.ofSeconds(1), 3, false)).getMessage().contains("100 ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HaPolicy(List.of("n"), List.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0, Duration.ofSeconds(1), 3, false)).getMessage().contains("keep"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HaPolicy(List.of("n"), List.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ofMillis(10), 3, false)).getMessage().contains("50 ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HaPolicy(List.of("n"), List.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ofSeconds(1), 0, false)).getMessage().contains("missed beat"));
    }
}
