package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kv workload's server keeps its table in System V shared memory and takes requests from a
 * message queue; two clients write and read back their keys while the partition migrates twice.
 */
class KvMigrationIT {
    private static final Path LAUNCHER = Path.of("bin/haven").toAbsolutePath();

    @TempDir
    Path home;

    @Test
    void everyKeyReadsBackAsWrittenAcrossTwoMigrations() throws Exception {
        Path stdout = home.resolve("out.txt");
        Path stderr = home.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "-c", String.join("; ",
                "partition:create p1", "partition:start p1", "partition:spawn p1 kv server",
                "partition:spawn p1 kv client 150", "partition:spawn p1 kv client 150",
                "partition:migrate p1 node3", "partition:migrate p1 node2", "partition:wait -t 60 p1 2 3"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("HAVEN_HOME", home.toString());
        Process runtime = builder.start();
        boolean finished = runtime.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            runtime.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            runtime.destroyForcibly().waitFor();
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertTrue(finished, "the clients did not finish within 120 s:\n" + out + err);
        assertEquals(0, runtime.exitValue(), err + out);
        assertTrue(out.matches("(?s).*\\n2\\s+EXITED\\(0\\)\\s+done=300 verified=150.*"), out);
        assertTrue(out.matches("(?s).*\\n3\\s+EXITED\\(0\\)\\s+done=300 verified=150.*"), out);
    }
}
