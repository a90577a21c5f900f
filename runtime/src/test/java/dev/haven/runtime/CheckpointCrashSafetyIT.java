package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a runtime JVM with SIGKILL at random moments while it checkpoints a partition with bulk state
 * over and over, then starts a fresh runtime on the same haven.home and shows that the newest committed
 * image verifies and restores: a crash at any point leaves the previous image intact.
 */
class CheckpointCrashSafetyIT {
    private static final int ROUNDS = 10;

    @TempDir
    Path home;
    @TempDir
    Path work;

    private Haven.Run run(String commands) throws Exception {
        return Haven.run(work, home, Duration.ofSeconds(60), "-c", commands);
    }

    private List<String> images() throws IOException {
        Path directory = home.resolve("images");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void theNewestCommittedImageAlwaysVerifiesAndRestoresAfterAKill9DuringCheckpoints() throws Exception {
        Haven.Run created = run("partition:create p1 -l state.max=67108864");
        assertEquals(0, created.status(), created.err());
        String checkpoints = Stream.generate(() -> "partition:checkpoint p1").limit(2000).collect(Collectors.joining("; "));
        Random random = new Random(Long.getLong("haven.crash.seed", 20261125L));
        int roundsWithImages = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Process runtime = Haven.start(work, home, "-c", "partition:start p1; partition:spawn p1 ballast 16 20; " + checkpoints);
            // The kill is timed from the partition running, not from the launch: how long a JVM takes to start
            // its framework depends on the machine's load, and a kill before the first checkpoint proves nothing.
            long started = System.nanoTime();
            while (!Haven.read(work, "stdout").contains("is ACTIVE") && runtime.isAlive()
                    && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
                Thread.sleep(10);
            }
            long delay = 200 + random.nextInt(2500);
            boolean finished = runtime.waitFor(delay, TimeUnit.MILLISECONDS);
            assertTrue(!finished, "round " + round + ": the runtime ended before the kill, with status "
                    + (finished ? runtime.exitValue() + ": " + Haven.read(work, "stderr") : ""));
            Haven.kill(runtime);

            List<String> committed = images().stream().filter(name -> name.endsWith(".hvi")).toList();
            if (committed.isEmpty()) {
                continue;
            }
            roundsWithImages++;
            String newest = committed.get(committed.size() - 1).replace(".hvi", "");
            Haven.Run check = run("image:verify " + newest + "; partition:restart " + newest + " --name check -n node3; "
                    + "partition:ps check; partition:stop check; partition:destroy check");
            assertEquals(0, check.status(), "round " + round + ", killed after " + delay + " ms: " + check.err());
            assertTrue(check.out().contains("is intact"), check.out());
            assertTrue(check.out().contains("ballast 16 20"), check.out());
            assertTrue(images().stream().noneMatch(name -> name.endsWith(".tmp")),
                    "a temporary file of the killed writer survived a restart of the store: " + images());
        }
        assertTrue(roundsWithImages >= ROUNDS / 2, "only " + roundsWithImages + " of " + ROUNDS
                + " rounds were killed after a first commit; the test proved too little");
    }
}
