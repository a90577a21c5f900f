package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code runtime/bin/haven} as a user would, as a real process on the exported jar, with a
 * fresh {@code HAVEN_HOME}, and checks what it prints and how it exits.
 */
class LauncherIT {
    private static final Path LAUNCHER = Haven.LAUNCHER;
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @BeforeAll
    static void theJarIsBuilt() {
        // Without the jar the launcher would start a nested Maven build; the test must not do that.
        Path jar = LAUNCHER.getParent().getParent().resolve("target/haven.jar");
        assertTrue(Files.isRegularFile(jar), jar + " must be exported before the launcher test runs");
    }

    @Test
    void aSucceedingScriptPrintsItsResultsAndExitsZero() throws Exception {
        Path script = script("""
                # a comment, then a blank line

                echo hello from a script
                echo 'quoted; not split'; lb
                """);
        Haven.Run run = haven("run", script.toString());
        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().contains("hello from a script\n"), run.toString());
        assertTrue(run.out().contains("quoted; not split\n"), run.toString());
        assertTrue(run.out().contains("System Bundle"), "lb lists the bundles: " + run);
        assertFalse(run.err().contains("error:"), run.toString());
    }

    @Test
    void aScriptStopsAtItsFirstFailingCommandAndExitsOne() throws Exception {
        Path script = script("""
                echo first
                no-such-scope:frobnicate now
                echo third
                """);
        Haven.Run run = haven("run", script.toString());
        assertEquals(1, run.status(), run.toString());
        assertTrue(run.out().contains("first\n"), run.toString());
        assertTrue(run.err().contains("error: no-such-scope:frobnicate now: "), run.toString());
        assertTrue(run.err().contains("Command not found"), run.toString());
        assertFalse(run.out().contains("third"), "the third command must not run: " + run);
    }

    @Test
    void aCommandStringRunsLikeAScript() throws Exception {
        Haven.Run run = haven("-c", "echo one; echo two");
        assertEquals(0, run.status(), run.toString());
        assertEquals("one\ntwo\n", run.out(), run.toString());
    }

    @Test
    void aCommandStringStopsAtItsFirstFailingCommandAndExitsOne() throws Exception {
        Haven.Run run = haven("-c", "echo first; no-such-scope:frobnicate; echo third");
        assertEquals(1, run.status(), run.toString());
        assertTrue(run.out().contains("first\n"), run.toString());
        assertTrue(run.err().contains("error: no-such-scope:frobnicate: "), run.toString());
        assertFalse(run.out().contains("third"), "the third command must not run: " + run);
    }

    @Test
    void havenCommandsManagePartitionsAndTheirErrorsNameTheStatement() throws Exception {
        Haven.Run run = haven("-c", "node:list; partition:create web -n node2; partition:list; partition:start p9; partition:list");
        assertEquals(1, run.status(), run.toString());
        assertTrue(run.out().contains("node3"), "node:list shows the simulated nodes: " + run);
        assertTrue(run.out().matches("(?s).*web\\s+node2\\s+DEFINED.*"), "partition:list shows web on node2: " + run);
        assertTrue(run.err().contains("error: partition:start p9: no partition named 'p9'"), run.toString());
    }

    @Test
    void aScriptRunsAPartitionThroughANodeCrashAndStopsAtItsFirstError() throws Exception {
        Path script = script("""
                partition:create demo -n node2
                partition:start demo
                partition:spawn demo ticker 50
                partition:ps demo
                node:crash node2
                partition:list
                partition:start nope
                echo not reached
                """);
        Haven.Run run = haven("run", script.toString());
        assertEquals(1, run.status(), run.toString());
        assertTrue(run.out().matches("(?s).*RUNNING\\s+\\S+\\s+ticker 50.*"), "partition:ps shows the ticker: " + run);
        assertTrue(run.out().matches("(?s).*demo\\s+node2\\s+BROKEN.*node2.*"), "the crash breaks demo: " + run);
        assertTrue(run.err().contains("error: partition:start nope: no partition named 'nope'"), run.toString());
        assertFalse(run.out().contains("not reached"), run.toString());
    }

    @Test
    void partitionDefinitionsSurviveARestartUnderHavenHome() throws Exception {
        assertEquals(0, haven("-c", "partition:create keeper -n node3").status());
        Haven.Run again = haven("-c", "partition:list");
        assertEquals(0, again.status(), again.toString());
        assertTrue(again.out().matches("(?s).*keeper\\s+node3.*"), "a second runtime lists keeper again: " + again);
    }

    @Test
    void aBadInvocationExitsTwoWithAMessage() throws Exception {
        Haven.Run unknown = haven("--frobnicate");
        assertEquals(2, unknown.status(), unknown.toString());
        assertTrue(unknown.err().contains("unknown option '--frobnicate'"), unknown.toString());

        Haven.Run missing = haven("run", dir.resolve("absent.gosh").toString());
        assertEquals(2, missing.status(), missing.toString());
        assertTrue(missing.err().contains("no such script file"), missing.toString());
    }

    @Test
    void helpPrintsTheUsage() throws Exception {
        Haven.Run help = haven("--help");
        assertEquals(0, help.status(), help.toString());
        assertTrue(help.out().contains("runtime/bin/haven run FILE"), help.toString());
    }

    private Path script(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "script", ".gosh"), text, StandardCharsets.UTF_8);
    }

    private Haven.Run haven(String... args) throws Exception {
        return Haven.run(dir, dir.resolve("home"), java.time.Duration.ofSeconds(TIMEOUT_SECONDS), args);
    }
}
