package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pty done-when, without a real terminal: the operator types half a line at p1's console (mini-shell on
 * a pty), p1 is migrated to another node, the operator finishes the line and mini-shell runs it; pty:list
 * shows the same pty numbers and settings before and after. Then ^C interrupts a running command.
 */
class PtyConsoleIT {
    private static final Pattern LISTING = Pattern.compile("(?s)=== (\\w+)\\n(.*?)(?==== |\\z)");

    @TempDir
    Path home;

    @Test
    void aHalfTypedLineSurvivesMigrationAndMiniShellRunsItOnceFinished() throws Exception {
        Path script = home.resolve("console.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 mini-shell",
                "partition:ps p1",
                "pty:read -u '$ ' p1",
                "pty:write p1 'echo hel'",
                "pty:read -u 'echo hel' p1",
                "echo '=== before'",
                "pty:list p1",
                "partition:migrate p1 node2",
                "echo '=== after'",
                "pty:list p1",
                "echo '=== finished'",
                "pty:write -r p1 lo",
                "pty:read -u 'hello\\r\\n$ ' p1",
                "echo '=== interrupted'",
                "pty:write -r p1 'sleep 60'",
                "pty:read -u 'sleep 60\\r\\n' p1",
                "pty:write p1 ^C",
                "pty:read -u '$ ' -t 20 p1",
                "pty:write -r p1 'exit 3'",
                "partition:wait -t 30 p1 1",
                "echo '=== end'", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        String out = run.out();
        Matcher sections = LISTING.matcher(out);
        Map<String, String> parts = new HashMap<>();
        while (sections.find()) {
            parts.put(sections.group(1), sections.group(2));
        }
        String before = parts.get("before");
        String after = parts.get("after");
        assertTrue(before != null && after != null, out);
        assertTrue(before.contains("pts/0 (console)"), before);
        assertTrue(before.matches("(?s).*pts/0 \\(console\\)\\s+open\\s+stream 1\\s+stream 2\\s+icanon echo isig icrnl ixon opost onlcr.*"),
                before);
        String listed = before.substring(0, before.indexOf("migrated p1"));
        assertTrue(after.startsWith(listed.strip()), "pty:list on node2 is pty:list on node1:\n" + listed + "\n---\n" + after);
        assertTrue(parts.get("finished").contains("lo\\r\\nhello\\r\\n$ "), parts.get("finished"));
        assertTrue(parts.get("interrupted").contains("^C\\r\\n$ "), parts.get("interrupted"));
        assertTrue(out.matches("(?s).*\\n1\\s+EXITED\\(3\\).*"), out);
    }
}
