package dev.haven.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/** The ladder's window to the millisecond, and what counts as a failure of a partition's processes. */
class HaLadderTest {
    private static final Instant RECOVERED = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @Test
    void aFailureJustInsideTheWindowClimbsOneRung() {
        assertEquals(2, Ladder.step(RECOVERED, 1, RECOVERED.plus(WINDOW).minusMillis(1), WINDOW));
        assertEquals(3, Ladder.step(RECOVERED, 2, RECOVERED.plus(WINDOW).minusMillis(1), WINDOW));
    }

    @Test
    void theWindowsLastInstantStillCounts() {
        assertEquals(2, Ladder.step(RECOVERED, 1, RECOVERED.plus(WINDOW), WINDOW));
    }

    @Test
    void aFailureJustAfterTheWindowStartsTheLadderAgain() {
        assertEquals(1, Ladder.step(RECOVERED, 2, RECOVERED.plus(WINDOW).plusMillis(1), WINDOW));
    }

    @Test
    void theFirstFailureEverTakesTheFirstRung() {
        assertEquals(1, Ladder.step(null, 0, RECOVERED, WINDOW));
    }

    private static ProcessInfo process(int vpid, String workload, ProcessStatus status, Integer exit, String error) {
        return new ProcessInfo(vpid, workload, List.of(), new Credentials(0, 0), status, Optional.ofNullable(exit),
                Optional.ofNullable(error), RECOVERED, Map.of());
    }

    @Test
    void aCrashedCriticalProcessFailsThePartitionWhileOthersRun() {
        Optional<String> failure = HaManagerImpl.failure(List.of(process(1, "ticker", ProcessStatus.RUNNING, null, null),
                process(2, "kv", ProcessStatus.CRASHED, null, "boom")), Set.of("kv"));
        assertEquals(Optional.of("critical process 2 (kv) crashed: boom"), failure);
    }

    @Test
    void aKilledCriticalProcessFailsThePartitionButAnExitedOneDoesNot() {
        assertTrue(HaManagerImpl.failure(List.of(process(1, "ticker", ProcessStatus.RUNNING, null, null),
                process(2, "kv", ProcessStatus.KILLED, null, null)), Set.of("kv")).isPresent());
        assertEquals(Optional.empty(), HaManagerImpl.failure(List.of(process(1, "ticker", ProcessStatus.RUNNING, null, null),
                process(2, "kv", ProcessStatus.EXITED, 0, null)), Set.of("kv")));
    }

    @Test
    void aCrashOfAProcessNobodyMarkedCriticalIsNoFailureWhileAnotherRuns() {
        assertEquals(Optional.empty(), HaManagerImpl.failure(List.of(process(1, "ticker", ProcessStatus.RUNNING, null, null),
                process(2, "crasher", ProcessStatus.CRASHED, null, "boom")), Set.of("kv")));
    }

    @Test
    void everyProcessEndingAbnormallyFailsThePartition() {
        Optional<String> failure = HaManagerImpl.failure(List.of(process(1, "crasher", ProcessStatus.CRASHED, null, "boom"),
                process(2, "ticker", ProcessStatus.KILLED, null, null), process(3, "counter", ProcessStatus.EXITED, 1, null)),
                Set.of());
        assertEquals(Optional.of("all its 3 processes ended abnormally (1 crashed, 2 killed, 3 exited 1)"), failure);
    }

    @Test
    void oneCleanExitAmongTheEndedMeansTheWorkFinishedNotFailed() {
        assertEquals(Optional.empty(), HaManagerImpl.failure(List.of(process(1, "crasher", ProcessStatus.CRASHED, null, "boom"),
                process(2, "counter", ProcessStatus.EXITED, 0, null)), Set.of()));
        assertEquals(Optional.empty(), HaManagerImpl.failure(List.of(), Set.of()), "an empty partition has not failed");
        assertEquals(Optional.empty(), HaManagerImpl.failure(List.of(process(1, "ticker", ProcessStatus.CHECKPOINTED, null, null)),
                Set.of()), "a checkpoint --stop is no failure");
    }
}
