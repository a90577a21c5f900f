package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kv workload's server keeps its table in System V shared memory and takes requests from a
 * message queue; two clients write and read back their keys while the partition migrates twice.
 */
class KvMigrationIT {
    @TempDir
    Path home;

    @Test
    void everyKeyReadsBackAsWrittenAcrossTwoMigrations() throws Exception {
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "-c", String.join("; ",
                "partition:create p1", "partition:start p1", "partition:spawn p1 kv server",
                "partition:spawn p1 kv client 150", "partition:spawn p1 kv client 150",
                "partition:migrate p1 node3", "partition:migrate p1 node2", "partition:wait -t 60 p1 2 3"));
        assertEquals(0, run.status(), run.toString());
        String out = run.out();
        assertTrue(out.matches("(?s).*\\n2\\s+EXITED\\(0\\)\\s+done=300 verified=150.*"), out);
        assertTrue(out.matches("(?s).*\\n3\\s+EXITED\\(0\\)\\s+done=300 verified=150.*"), out);
    }
}
