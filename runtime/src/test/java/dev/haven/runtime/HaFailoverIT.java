package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HA done-when of US8135985 on the simulated nodes: a crash brings p1 back on its CFI node from
 * its latest consistency image, a second crash within the window boots it on its BFI node from its
 * boot image, a third leaves it broken with an alert — and after the window the ladder starts again.
 */
class HaFailoverIT {
    @TempDir
    Path home;

    private Haven.Run script(String... lines) throws Exception {
        Path script = home.resolve("ha.gosh");
        Files.writeString(script, String.join("\n", lines) + "\n");
        return Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
    }

    private static final String[] SETUP = {
            "partition:create p1 -n node1",
            "partition:start p1",
            "partition:spawn p1 ticker 50",
            "ha:enable p1",
            "until { (ha:status --json) contains \"\\\"lastImage\\\" : \\\"p1\" } { sleep 1 }" };

    private static String[] with(String policy, String... rest) {
        List<String> lines = new java.util.ArrayList<>(List.of(SETUP));
        lines.add(3, policy);
        lines.addAll(List.of(rest));
        return lines.toArray(String[]::new);
    }

    @Test
    void consistencyImageThenBootImageThenBrokenWithinTheWindow() throws Exception {
        Haven.Run run = script(with("ha:policy p1 --cfi node2 --bfi node3 --window 60s --checkpoint-every 500ms --keep 2",
                "node:crash node1",
                "until { (partition:list --json) contains \"node2\" } { sleep 1 }",
                "until { (partition:list --json) contains \"ACTIVE\" } { sleep 1 }",
                "node:crash node2",
                "until { (partition:list --json) contains \"node3\" } { sleep 1 }",
                "until { (partition:list --json) contains \"ACTIVE\" } { sleep 1 }",
                "node:crash node3",
                "until { (ha:events) contains \"ALERT\" } { sleep 1 }",
                "ha:events --json p1"));
        assertEquals(0, run.status(), run.toString());
        assertInOrder(run.out(), "\"BOOT_IMAGE\"", "\"FAILURE\"", "\"FENCED\"", "\"RESTART_CFI\"", "restarted on node2",
                "\"RECOVERED\"", "\"FAILURE\"", "within PT1M", "\"RESTART_BFI\"", "restarted on node3", "\"RECOVERED\"",
                "\"FAILURE\"", "\"BROKEN\"", "\"ALERT\"");
    }

    @Test
    void aFailureAfterTheWindowStartsTheLadderAgain() throws Exception {
        Haven.Run run = script(with("ha:policy p1 --cfi node2,node3 --bfi node1 --window 1s --checkpoint-every 300ms --keep 2",
                "node:crash node1",
                "until { (partition:list --json) contains \"node2\" } { sleep 1 }",
                "until { (partition:list --json) contains \"ACTIVE\" } { sleep 1 }",
                "sleep 2",
                "node:crash node2",
                "until { (partition:list --json) contains \"node3\" } { sleep 1 }",
                "until { (partition:list --json) contains \"ACTIVE\" } { sleep 1 }",
                "ha:events --json p1"));
        assertEquals(0, run.status(), run.toString());
        String out = run.out();
        assertEquals(2, count(out, "\"RESTART_CFI\""), "both failures restart from a consistency image: " + out);
        assertEquals(0, count(out, "\"RESTART_BFI\""), out);
        assertTrue(out.contains("restarted on node3"), "node2 is down, so the next CFI node: " + out);
    }

    @Test
    void aHungPartitionIsDetectedFencedAndClimbsTheLadder() throws Exception {
        Haven.Run run = script(
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 hang 15 50",
                "ha:policy p1 --cfi node2 --bfi node3 --window 60s --checkpoint-every 200ms --keep 2 --heartbeat 200ms --missed 3",
                "ha:enable p1",
                "until { (ha:events) contains \"ALERT\" } { sleep 1 }",
                "ha:events --json p1",
                "partition:list");
        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().matches("(?s).*p1\\s+node3\\s+BROKEN.*HA gave up.*"), "left broken, with the reason: " + run.out());
        assertInOrder(run.out(), "\"FAILURE\"", "hung: no kernel call for 600 ms", "\"FENCED\"", "hung instance on node1 stopped",
                "\"RESTART_CFI\"", "\"FAILURE\"", "\"RESTART_BFI\"", "\"FAILURE\"", "\"BROKEN\"", "\"ALERT\"");
    }

    @Test
    void anIdleServerWaitingInTheKernelIsNotHung() throws Exception {
        Haven.Run run = script(
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 kv server",
                "ha:policy p1 --cfi node2 --bfi node3 --checkpoint-every 10s --heartbeat 100ms --missed 3",
                "ha:enable p1",
                "sleep 2",
                "ha:events --json p1",
                "partition:list");
        assertEquals(0, run.status(), run.toString());
        assertEquals(0, count(run.out(), "\"FAILURE\""), "a server blocked in msgrcv is idle, not hung: " + run.out());
        assertTrue(run.out().matches("(?s).*p1\\s+node1\\s+ACTIVE.*"), run.out());
    }

    @Test
    void aCrashedCriticalProcessFailsThePartitionEvenWhileOthersRun() throws Exception {
        Haven.Run run = script(
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 ticker 50",
                "partition:spawn p1 crasher 1500 disk-on-fire",
                "ha:policy p1 --cfi node2 --bfi node3 --window 60s --checkpoint-every 200ms --heartbeat 100ms --critical crasher",
                "ha:enable p1",
                "until { (ha:events) contains \"ALERT\" } { sleep 1 }",
                "ha:events --json p1",
                "partition:list");
        assertEquals(0, run.status(), run.toString());
        // the crasher is in every image, so each restart crashes again: the whole ladder, then broken
        assertInOrder(run.out(), "\"BOOT_IMAGE\"", "\"FAILURE\"", "critical process 2 (crasher) crashed: IllegalStateException: disk-on-fire",
                "\"FENCED\"", "failed instance on node1 stopped", "\"RESTART_CFI\"", "restarted on node2", "\"FAILURE\"",
                "critical process 2 (crasher) crashed", "\"RESTART_BFI\"", "restarted on node3", "\"FAILURE\"", "\"BROKEN\"",
                "\"ALERT\"");
        assertTrue(run.out().matches("(?s).*p1\\s+node3\\s+BROKEN.*HA gave up.*"), run.out());
    }

    @Test
    void everyProcessEndingAbnormallyFailsThePartitionButACrashOfAnUncriticalOneAloneDoesNot() throws Exception {
        Haven.Run run = script(
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 crasher 300 first",
                "partition:spawn p1 ticker 50",
                "ha:policy p1 --cfi node2 --bfi node3 --window 60s --checkpoint-every 200ms --heartbeat 100ms",
                "ha:enable p1",
                "until { (partition:ps --json p1) contains \"CRASHED\" } { sleep 1 }",
                "sleep 1",
                "echo EVENTS-BEFORE",
                "ha:events --json p1",
                "echo EVENTS-AFTER",
                "partition:kill p1 2",
                "until { (ha:events) contains \"RECOVERED\" } { sleep 1 }",
                "ha:events --json p1");
        assertEquals(0, run.status(), run.toString());
        String before = run.out().substring(run.out().indexOf("EVENTS-BEFORE"), run.out().indexOf("EVENTS-AFTER"));
        assertEquals(0, count(before, "\"FAILURE\""), "a crashed process nobody marked critical, beside a live one: " + before);
        assertInOrder(run.out(), "\"FAILURE\"", "all its 2 processes ended abnormally (1 crashed, 2 killed)", "\"FENCED\"",
                "\"RESTART_CFI\"", "\"RECOVERED\"");
    }

    @Test
    void withNoHealthyCfiNodeTheBootImageRungIsTakenAndTheLogSaysWhy() throws Exception {
        Haven.Run run = script(with("ha:policy p1 --cfi node2 --bfi node3 --window 60s --checkpoint-every 200ms",
                "node:crash node2",
                "node:crash node1",
                "until { (ha:events) contains \"RECOVERED\" } { sleep 1 }",
                "ha:events --json p1",
                "partition:list"));
        assertEquals(0, run.status(), run.toString());
        assertInOrder(run.out(), "\"FAILURE\"", "\"SKIPPED\"",
                "cannot use the consistency image on a CFI node: no healthy node among [node2]", "\"RESTART_BFI\"",
                "restarted on node3", "\"RECOVERED\"");
        assertEquals(0, count(run.out(), "\"RESTART_CFI\""), run.out());
        // ACTIVE, or FROZEN for a moment by a consistency checkpoint
        assertTrue(run.out().matches("(?s).*p1\\s+node3\\s+(ACTIVE|FROZEN).*"), run.out());
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static void assertInOrder(String text, String... parts) {
        int at = 0;
        for (String part : parts) {
            int found = text.indexOf(part, at);
            assertTrue(found >= 0, "expected " + part + " after offset " + at + " in:\n" + text);
            at = found + part.length();
        }
    }
}
