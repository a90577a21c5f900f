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
 * The STREAMS done-when: a partition's loop stream with recbuf, seqno and case pushed and a pipe, messages
 * queued in both directions; after a checkpoint, the node's crash and a restart on another node,
 * streams:list shows the same stacks and queues and the next messages come out exactly as in a partition
 * that was never checkpointed. And a module bundle installed at run time can be pushed at once.
 */
class StreamsIT {
    private static final Pattern OUT = Pattern.compile("^(\\d+)\\s+EXITED\\(0\\)\\s+out=(.*)$", Pattern.MULTILINE);
    private static final Pattern LISTING = Pattern.compile("(?s)=== (\\w+)\\n(.*?)(?==== |\\z)");

    @TempDir
    Path home;

    @Test
    void stacksAndQueuesSurviveCheckpointAndRestartOnAnotherNodeAndTheNextMessagesComeOutAsIfNothingHappened() throws Exception {
        Path script = home.resolve("streams.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 stack setup",
                "partition:wait -t 30 p1 1",
                // a reader blocked in getmsg on the empty pipe through the checkpoint and the restart
                "partition:spawn p1 stack wait 7",
                "until { (streams:list --json p1) contains \"RSLEEP\" } { sleep 1 }",
                "echo '=== before'",
                "streams:list p1",
                "partition:checkpoint p1",
                "node:crash node1",
                "partition:restart p1 -n node3",
                "echo '=== after'",
                "streams:list p1",
                "streams:list -r p1",
                "partition:spawn p1 stack drain 3 4 5",
                "partition:wait -t 30 p1 3",
                "partition:spawn p1 stack send 6 hello",
                "partition:wait -t 30 p1 4 2",
                // the reference: the same, never checkpointed
                "partition:create p2 -n node2",
                "partition:start p2",
                "partition:spawn p2 stack setup",
                "partition:wait -t 30 p2 1",
                "partition:spawn p2 stack drain 3 4 5",
                "partition:wait -t 30 p2 2",
                "echo '=== end'", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        String out = run.out();

        List<String> listings = new ArrayList<>();
        Matcher sections = LISTING.matcher(out);
        while (sections.find()) {
            listings.add(sections.group(2));
        }
        assertEquals(3, listings.size(), out);
        // The waiter sleeps in getmsg before the checkpoint, and again once it is resumed after the restart.
        String before = listings.get(0).substring(0, listings.get(0).indexOf("checkpointed p1")).replace("flags RSLEEP", "flags -");
        String after = listings.get(1).replace("flags RSLEEP", "flags -");
        assertTrue(listings.get(0).contains("stream 5  fd 7  driver pipe (peer stream 4)  modules -  flags RSLEEP"), listings.get(0));
        assertTrue(before.contains("stream 1  fd 3  driver loop  modules case > seqno > recbuf  flags NDELAY"), before);
        assertTrue(before.matches("(?s).*\\nloop\\s+write\\s+2\\s+26\\s.*"), "two records held in the stopped driver:\n" + before);
        assertTrue(before.matches("(?s).*\\nhead\\s+read\\s+2\\s+19\\s.*"), "two echoed records at the stream head:\n" + before);
        assertTrue(before.contains("stream 3  fd 5  driver pipe (peer stream 2)  modules seqno"), before);
        assertTrue(after.startsWith(before), "streams:list on node3 shows the same stacks and queues:\n" + before + "---\n" + after);
        assertTrue(after.matches("(?s).*stream 1 \\(real \\d+\\)  fd 3.*"), after);

        Matcher outs = OUT.matcher(out);
        List<String> transcripts = new ArrayList<>();
        while (outs.find()) {
            transcripts.add(outs.group(2).trim());
        }
        assertEquals(2, transcripts.size(), out);
        assertTrue(out.matches("(?s).*\\n2\\s+EXITED\\(0\\)\\s+got=7<hello>\\n.*"),
                "the reader blocked through checkpoint and restart got what was sent after:\n" + out);
        assertEquals(transcripts.get(1), transcripts.get(0), "the restarted partition's messages are the never-checkpointed one's");
        assertTrue(transcripts.get(0).startsWith("3<1 1 ALPHA\\n> / 3<2 2 BETA\\n> / 3<3 3 PARTIAL 4 GAMMA\\n> / 3<4 5 DELTA\\n> / 3<5 6 EPSILON\\n>"),
                transcripts.get(0));
        assertTrue(transcripts.get(0).endsWith("5<b2 urgent:ping two> / 5<1 ping one> / 5<2 ping three> / 4<1 pong> / 4<2 pong again>"),
                transcripts.get(0));
    }

    @Test
    void aModuleBundleInstalledAtRunTimeIsPushedAtOnce() throws Exception {
        Path jar = Path.of("").toAbsolutePath().getParent()
                .resolve("bundles/streams.modules/target/dev.haven.streams.modules-0.1.0-SNAPSHOT.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is built before the runtime");
        Path script = home.resolve("deploy.gosh");
        Files.writeString(script, String.join("\n",
                "felix:uninstall dev.haven.streams.modules",
                "echo '=== without'",
                "streams:modules",
                "felix:install " + jar.toUri(),
                "felix:start " + jar.toUri(),
                "echo '=== with'",
                "streams:modules",
                "partition:create p1",
                "partition:start p1",
                "partition:spawn p1 stack setup",
                "partition:wait -t 30 p1 1",
                "streams:list p1", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(60), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        String out = run.out();
        String without = out.substring(out.indexOf("=== without"), out.indexOf("=== with\n"));
        String with = out.substring(out.indexOf("=== with\n"));
        assertFalse(without.contains("case"), without);
        assertTrue(with.matches("(?s).*\\nmodule\\s+case\\s+0x5303.*dev\\.haven\\.streams\\.modules.*"), with);
        assertTrue(with.contains("1     EXITED(0)  fds=3 4 5"), with);
        assertTrue(with.contains("modules case > seqno > recbuf"), with);
    }
}
