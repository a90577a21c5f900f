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

    /** The newest committed image's name, or "" when there is none. */
    private String newest() throws IOException {
        List<String> committed = images().stream().filter(name -> name.endsWith(".hvi")).toList();
        return committed.isEmpty() ? "" : committed.get(committed.size() - 1);
    }

    @Test
    void theNewestCommittedImageAlwaysVerifiesAndRestoresAfterAKill9DuringCheckpoints() throws Exception {
        Haven.Run created = run("partition:create p1 -l state.max=67108864");
        assertEquals(0, created.status(), created.err());
        String checkpoints = Stream.generate(() -> "partition:checkpoint p1").limit(2000).collect(Collectors.joining("; "));
        Random random = new Random(Long.getLong("haven.crash.seed", 20261125L));
        for (int round = 0; round < ROUNDS; round++) {
            String before = newest();
            Process runtime = Haven.start(work, home, "-c", "partition:start p1; partition:spawn p1 ballast 16 20; " + checkpoints);
            // the kill must land among this runtime's checkpoints, however long its JVM takes to start on a busy machine
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (newest().equals(before) && runtime.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(!newest().equals(before), "round " + round + ": this runtime committed no image within 60 s: "
                    + Haven.read(work, "stderr"));
            long delay = random.nextInt(1500);
            boolean finished = runtime.waitFor(delay, TimeUnit.MILLISECONDS);
            assertTrue(!finished, "round " + round + ": the runtime ended before the kill, with status "
                    + (finished ? runtime.exitValue() + ": " + Haven.read(work, "stderr") : ""));
            Haven.kill(runtime);

            String newest = newest().replace(".hvi", "");
            Haven.Run check = run("image:verify " + newest + "; partition:restart " + newest + " --name check -n node3; "
                    + "partition:ps check; partition:stop check; partition:destroy check");
            assertEquals(0, check.status(), "round " + round + ", killed " + delay + " ms after a commit: " + check.err());
            assertTrue(check.out().contains("is intact"), check.out());
            assertTrue(check.out().contains("ballast 16 20"), check.out());
            assertTrue(images().stream().noneMatch(name -> name.endsWith(".tmp")),
                    "a temporary file of the killed writer survived a restart of the store: " + images());
        }
    }
}
