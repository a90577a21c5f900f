package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The POSIX IPC done-when: producer, transform and consumer of mq-pipeline pass 600 items through two POSIX message
 * queues with priorities while p1 migrates twice mid-run; the consumer gets every item exactly once, in order within
 * each priority, and {@code ipcs -r --json} shows the same queue names and the same virtual handles on every node,
 * behind different real ids.
 */
class MqPipelineMigrationIT {
    private static final int ITEMS = 600;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void noItemIsLostDoubledOrReorderedAcrossMigrationsAndHandlesStay() throws Exception {
        Path script = home.resolve("mq-pipeline.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 mq-pipeline consumer " + ITEMS + " 5",
                "partition:spawn p1 mq-pipeline transform " + ITEMS + " 1",
                "partition:spawn p1 mq-pipeline producer " + ITEMS + " 1",
                // each stage's handles: the consumer's (vpid 1), the transform's second (vpid 2), the producer's (vpid 3)
                "until { (ipc:ipcs -p p1 --json) contains \"1:3\" } { sleep 1 }",
                "until { (ipc:ipcs -p p1 --json) contains \"2:4\" } { sleep 1 }",
                "until { (ipc:ipcs -p p1 --json) contains \"3:3\" } { sleep 1 }",
                "echo \"=== node1\"",
                "ipc:ipcs -p p1 -r --json",
                "partition:migrate p1 node2",
                "echo \"=== node2\"",
                "ipc:ipcs -p p1 -r --json",
                "partition:migrate p1 node3",
                "echo \"=== node3\"",
                "ipc:ipcs -p p1 -r --json",
                "partition:wait -t 90 p1 1 2 3",
                "echo \"=== ps\"",
                "partition:ps --json p1",
                // the consumer unlinked both queues; they go once the last stage's exit has closed its handles
                "while { (ipc:ipcs -p p1 --json) contains \"posix-mq\" } { sleep 1 }",
                "echo \"=== end\"",
                "ipc:ipcs -p p1 --json", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(150), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        Map<String, JsonNode> parts = parts(run.out());

        List<Map<String, JsonNode>> listings = new ArrayList<>();
        for (String node : List.of("node1", "node2", "node3")) {
            Map<String, JsonNode> queues = new TreeMap<>();
            for (JsonNode object : parts.get(node)) {
                if (object.get("kind").asText().equals("posix-mq")) {
                    queues.put(object.get("name").asText(), object);
                }
            }
            assertEquals(List.of("/mqp-in", "/mqp-out"), List.copyOf(queues.keySet()),
                    "both queues, still in use (mid-run) on " + node + ":\n" + run.out());
            listings.add(queues);
        }
        for (String name : List.of("/mqp-in", "/mqp-out")) {
            JsonNode first = listings.get(0).get(name);
            assertEquals(8, first.get("maxmsg").asInt());
            assertEquals("0600", first.get("mode").asText());
            for (int later = 1; later < 3; later++) {
                JsonNode again = listings.get(later).get(name);
                assertEquals(first.get("handles"), again.get("handles"), name + ": the same virtual handles on every node");
                assertEquals(first.get("uid"), again.get("uid"));
                assertEquals(first.get("mode"), again.get("mode"));
                assertEquals(first.get("msgsize"), again.get("msgsize"));
                assertEquals(first.get("ctime"), again.get("ctime"), name + ": its creation time");
                assertNotEquals(listings.get(later - 1).get(name).get("realId"), again.get("realId"),
                        name + ": a new real object on the new node");
            }
        }
        assertEquals("[\"2:3\",\"3:3\"]", listings.get(0).get("/mqp-in").get("handles").toString());
        assertEquals("[\"1:3\",\"2:4\"]", listings.get(0).get("/mqp-out").get("handles").toString());

        Map<Integer, JsonNode> processes = new TreeMap<>();
        for (JsonNode process : parts.get("ps")) {
            processes.put(process.get("vpid").asInt(), process);
        }
        for (int vpid = 1; vpid <= 3; vpid++) {
            assertEquals("EXITED", processes.get(vpid).get("status").asText(), processes.get(vpid).toString());
            assertEquals(0, processes.get(vpid).get("exitStatus").asInt(), processes.get(vpid).toString());
        }
        JsonNode consumer = processes.get(1).get("state");
        assertEquals(Integer.toString(ITEMS), consumer.get("verified").asText(), "every item once, in order: " + consumer);
        assertTrue(consumer.get("duplicates").asInt() <= 2 && consumer.get("recovered").asInt() <= 2,
                "at most one of each per restart: " + consumer);
        assertEquals(0, parts.get("end").size(), "nothing left behind: " + parts.get("end"));
    }

    @Test
    void ipcrmUnlinksAPosixQueueThatLivesOnForItsHolderAndSaysWhenThereIsNone() throws Exception {
        Path script = home.resolve("ipcrm.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 mq-pipeline consumer 10 0 rm",
                "until { (ipc:ipcs -p p1 --json) contains \"1:3\" } { sleep 1 }",
                "ipc:ipcrm -p p1 posix-mq /rm-out",
                "ipc:ipcs -p p1",
                "ipc:ipcrm -p p1 posix-mq /rm-out", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(60), "run", script.toString());
        assertEquals(1, run.status(), "the second ipcrm fails: " + run);
        assertTrue(run.out().contains("posix-mq /rm-out of p1 unlinked"), run.toString());
        assertTrue(run.out().matches("(?s).*p1\\s+posix-mq\\s+/rm-out\\s+0600 \\(unlinked\\).*1:3.*"),
                "still there for the consumer that holds it: " + run);
        assertTrue(run.err().contains("ENOENT"), run.toString());
    }

    @Test
    void thePartitionSpecLimitsAnUnprivilegedProcessesQueuesAsQueuesMaxDoes() throws Exception {
        Path script = home.resolve("limits.gosh");
        Files.writeString(script, String.join("\n",
                "partition:create p1 -n node1 -l mqueue.queues_max=1",
                "partition:start p1",
                // as uid 1000: the partition's superuser would pass the limit, as CAP_SYS_RESOURCE does on Linux
                "partition:spawn -u 1000 p1 mq-pipeline consumer 5 0 lim",
                "until { (ipc:ipcs -p p1 --json) contains \"/lim-out\" } { sleep 1 }",
                "partition:spawn -u 1000 p1 mq-pipeline producer 5 0 lim",
                "partition:wait -t 30 p1 2",
                "ipc:ipcs -p p1",
                "partition:ps p1", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(60), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().matches("(?s).*\\n2\\s+CRASHED.*"), "the second queue is one too many: " + run);
        assertTrue(run.out().contains("/lim-out") && !run.out().contains("/lim-in"), run.toString());
        assertTrue(run.out().contains("ENOSPC: mq_open: the partition has 1 queues, its limit (mqueue.queues_max)"), run.toString());
    }

    /** The JSON printed after each "=== NAME" marker. */
    private static Map<String, JsonNode> parts(String out) throws Exception {
        Map<String, JsonNode> parts = new TreeMap<>();
        String[] chunks = out.split("=== ");
        for (int i = 1; i < chunks.length; i++) {
            String chunk = chunks[i];
            int newline = chunk.indexOf('\n');
            String name = chunk.substring(0, newline).trim();
            String body = chunk.substring(newline + 1);
            int start = body.indexOf('[');
            assertTrue(start >= 0, "JSON after === " + name + ":\n" + out);
            // the first JSON value after the marker; other commands' output may follow it
            parts.put(name, JSON.readTree(JSON.getFactory().createParser(body.substring(start))));
        }
        return parts;
    }
}
