package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's done-when, at test size: two dirtier processes keep writing a 32 MiB System V segment while
 * {@code partition:migrate --live} moves their partition to node2 and back. The command reports its
 * pre-copy rounds, what the freeze copied and a freeze time shorter than the move; after each move every
 * process finds the segment exactly as its own log of writes says (else it exits 3 naming the page), and
 * the moves leave no image in the store.
 */
class LiveMigrationIT {
    private static final Pattern MOVE = Pattern.compile(
            "migrated p1 from (node\\d) to (node\\d) live\\nROUND +COPIED +TIME +DIRTY AFTER\\n((?:\\d+ +.*\\n)+)"
                    + "(\\d+) rounds copied ([0-9.]+ [KMG]?i?B) while running; the freeze copied ([0-9.]+ [KMG]?i?B|\\d+ B)\\n"
                    + "freeze time ([0-9.]+) (µs|ms|s), total ([0-9.]+) (µs|ms|s)");

    @TempDir
    Path home;

    @Test
    void aWritingPartitionMovesLiveAndItsSharedMemoryArrivesByteExact() throws Exception {
        Path script = home.resolve("live.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1 -l shmmax=33554432,shmall=8192",
                "partition:start p1",
                "partition:spawn p1 dirtier 32 2000",
                "partition:spawn p1 dirtier 32 2000",
                "until { (partition:ps --json p1) contains \"writes\" } { sleep 1 }",
                "partition:migrate --live p1 node2",
                "until { (partition:ps --json p1) matches \"(?s).*verified.*verified.*\" } { sleep 1 }",
                "partition:migrate --live p1 node1",
                "until { (partition:ps --json p1) matches \"(?s)(.*\\\"verified\\\" : \\\"2\\\"){2}.*\" } { sleep 1 }",
                "partition:ps --json p1",
                "image:list", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        String out = run.out();

        Matcher moves = MOVE.matcher(out);
        List<String> hops = new ArrayList<>();
        while (moves.find()) {
            hops.add(moves.group(1) + ">" + moves.group(2));
            int rounds = Integer.parseInt(moves.group(4));
            assertEquals(rounds, moves.group(3).split("\n").length, "one table row per round:\n" + out);
            assertTrue(moves.group(3).startsWith("1  ") && moves.group(3).contains("32.0 MiB"),
                    "the first round copies the whole segment:\n" + out);
            assertTrue(millis(moves.group(7), moves.group(8)) < millis(moves.group(9), moves.group(10)),
                    "the freeze is shorter than the move:\n" + out);
        }
        assertEquals(List.of("node1>node2", "node2>node1"), hops, out);
        assertFalse(out.contains("mismatch"), out);
        assertFalse(out.contains("\"exitStatus\" : 3"), out);
        assertEquals(2, out.split("\"verified\" : \"2\"").length - 1, "both processes checked the segment twice:\n" + out);
        assertEquals(2, out.split("\"status\" : \"RUNNING\"").length - 1, out);
        assertFalse(out.contains("p1-20"), "a live move leaves no image in the store:\n" + out);
    }

    private static double millis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "µs" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
