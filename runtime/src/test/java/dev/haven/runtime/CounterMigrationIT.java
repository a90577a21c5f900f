package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPC done-when: three counter processes share a System V semaphore and shared memory in p1; p1
 * migrates between nodes four times mid-run; every increment is counted exactly once, and ipcs shows
 * the same virtual ids on every node while the real ids change.
 */
class CounterMigrationIT {
    private static final Pattern IPCS_ROW = Pattern.compile("^p1\\s+([smq])\\s+(\\d+)\\s+(\\d+)\\s+0x00004856", Pattern.MULTILINE);

    @TempDir
    Path home;

    @Test
    void noIncrementIsLostOrDoubledAcrossMigrationsAndVirtualIdsStay() throws Exception {
        Path script = home.resolve("counter.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 counter 300 3",
                "partition:spawn p1 counter 300 3",
                "partition:spawn p1 counter 300 3",
                "until { (ipc:ipcs -p p1 --json) contains \"shm\" } { sleep 1 }",
                "ipc:ipcs -p p1 -r",
                "partition:migrate p1 node2",
                "ipc:ipcs -p p1 -r",
                "partition:migrate p1 node3",
                "partition:migrate p1 node1",
                "partition:migrate p1 node2",
                "ipc:ipcs -p p1 -r",
                "while { (partition:ps --json p1) contains \"RUNNING\" } { sleep 1 }",
                "partition:spawn p1 counter 0",
                "while { (partition:ps --json p1) contains \"RUNNING\" } { sleep 1 }",
                "partition:ps --json p1", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        String out = run.out();

        List<List<String>> listings = new ArrayList<>();
        Matcher rows = IPCS_ROW.matcher(out);
        while (rows.find()) {
            listings.add(List.of(rows.group(1), rows.group(2), rows.group(3)));
        }
        assertEquals(6, listings.size(), "two objects in each of three listings:\n" + out);
        for (int object = 0; object < 2; object++) {
            List<String> first = listings.get(object);
            for (int listing = 1; listing < 3; listing++) {
                List<String> later = listings.get(listing * 2 + object);
                assertEquals(first.subList(0, 2), later.subList(0, 2), "the same kind and virtual id");
                assertNotEquals(first.get(2), later.get(2), "a different real id on another node");
            }
        }
        assertTrue(out.contains("\"total\" : \"900\""), out);
        assertTrue(out.contains("\"sum\" : \"900\""), out);
        assertEquals(4, out.split("\"status\" : \"EXITED\"").length - 1, out);
        assertTrue(!out.contains("\"exitStatus\" : 1"), out);
    }
}
