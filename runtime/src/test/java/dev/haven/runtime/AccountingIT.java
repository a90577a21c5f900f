package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The accounting done-when: two partitions run different workloads of known use; acct:report shows per-process
 * and per-interval use for each; the global report is their sum plus the node's own use; after p1 migrates its
 * totals continue on the new node; and the records and totals are still there after a runtime restart.
 */
class AccountingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** The JSON documents the script printed after each {@code echo ==NAME==} line. */
    private static Map<String, JsonNode> sections(String out) throws Exception {
        Map<String, JsonNode> sections = new HashMap<>();
        String[] parts = out.split("(?m)^==");
        for (int i = 1; i < parts.length; i++) {
            int end = parts[i].indexOf("==\n");
            String name = parts[i].substring(0, end);
            String body = parts[i].substring(end + 3);
            int json = Math.min(body.indexOf('{') < 0 ? Integer.MAX_VALUE : body.indexOf('{'),
                    body.indexOf('[') < 0 ? Integer.MAX_VALUE : body.indexOf('['));
            sections.put(name, JSON.readTree(body.substring(json)));
        }
        return sections;
    }

    private static long sum(JsonNode records, String scope, String resource) {
        long sum = 0;
        for (JsonNode record : records) {
            if (record.path("scope").asText().equals(scope)) {
                sum += record.path("usage").path(resource).asLong();
            }
        }
        return sum;
    }

    private static List<JsonNode> processes(JsonNode records, String workload) {
        List<JsonNode> found = new ArrayList<>();
        records.forEach(record -> {
            if (record.path("workload").asText().equals(workload)) {
                found.add(record);
            }
        });
        return found;
    }

    @Test
    void twoPartitionsAreAccountedTheGlobalIsTheirSumPlusTheNodeAndMigrationContinuesTheTotals() throws Exception {
        Path script = home.resolve("acct.gosh");
        Files.writeString(script, String.join("\n",
                "acct:on",
                "acct:on p1",
                "acct:on p2",
                "acct:interval 1",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:create p2 -n node2",
                "partition:start p2",
                "partition:spawn p1 ipcloop msg 2000 100",
                "partition:spawn p2 ipcloop sem 1000",
                "partition:spawn p2 ipcloop shm 65536",
                "partition:spawn p1 ticker 50",
                "partition:wait p1 1",
                "partition:wait p2 1",
                "until { (acct:report p2 --by interval --json) contains \"\\\"shm.resident\\\" : 65536\" } { sleep 1 }",
                "echo \"==before==\"",
                "acct:report p1 --json",
                "partition:migrate p1 node3",
                "echo \"==after==\"",
                "acct:report p1 --json",
                "partition:spawn p1 ipcloop msg 500 100",
                "partition:wait p1 3",
                "partition:stop p1",
                "partition:stop p2",
                "echo \"==global==\"",
                "acct:report --json",
                "echo \"==p1==\"",
                "acct:report p1 --json",
                "echo \"==p2==\"",
                "acct:report p2 --json",
                "echo \"==p1proc==\"",
                "acct:report p1 --by process --json",
                "echo \"==p2proc==\"",
                "acct:report p2 --by process --json",
                "echo \"==p1int==\"",
                "acct:report p1 --by interval --json",
                "echo \"==p2int==\"",
                "acct:report p2 --by interval --json",
                "acct:report",
                "acct:report p1 --by process",
                "acct:files", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        Map<String, JsonNode> out = sections(run.out());

        // p1: 2000 then 500 messages of 100 bytes each way, before and after the migration
        JsonNode before = out.get("before").path("totals").path("p1");
        JsonNode after = out.get("after").path("totals").path("p1");
        JsonNode p1 = out.get("p1").path("totals").path("p1");
        assertEquals(2000, before.path("ipc.msgs.out").asLong(), run.out());
        assertEquals(2000, after.path("ipc.msgs.out").asLong(), "nothing lost or doubled by the migration");
        assertEquals(1, after.path("checkpoints").asLong());
        assertEquals(1, after.path("restarts").asLong());
        assertTrue(after.path("freeze").asLong() > 0);
        assertTrue(after.path("image.bytes").asLong() > 0);
        assertTrue(after.path("cpu").asLong() >= before.path("cpu").asLong());
        assertEquals(2500, p1.path("ipc.msgs.out").asLong(), "continued on node3");
        assertEquals(2500, p1.path("ipc.msgs.in").asLong());
        assertEquals(250_000, p1.path("ipc.bytes.out").asLong());
        assertEquals(250_000, p1.path("ipc.bytes.in").asLong());
        assertEquals(2500, p1.path("calls").path("msgsnd").asLong());
        assertEquals(2500, p1.path("calls").path("msgrcv").asLong());
        assertEquals(2, p1.path("calls").path("msgget").asLong());
        assertTrue(p1.path("calls").path("nanosleep").asLong() > 0, "the ticker's sleeps");
        assertTrue(p1.path("cpu").asLong() > 0 && p1.path("wall").asLong() > 0);

        // p2: 1000 semaphore rounds and a 64 KiB segment held
        JsonNode p2 = out.get("p2").path("totals").path("p2");
        assertEquals(2000, p2.path("calls").path("semop").asLong());
        assertEquals(0, p2.path("ipc.msgs.out").asLong());
        assertTrue(p2.path("cpu").asLong() > 0);

        // the global engine: each partition as its own engine saw it, the node's own use, and their sum
        JsonNode global = out.get("global").path("totals");
        assertEquals(p1, global.path("p1"));
        assertEquals(p2, global.path("p2"));
        assertTrue(global.path("@node").path("cpu").asLong() > 0, "the runtime's own CPU time");
        JsonNode total = global.path("total");
        for (Iterator<String> names = total.fieldNames(); names.hasNext();) {
            String resource = names.next();
            if (!resource.equals("calls")) {
                assertEquals(p1.path(resource).asLong() + p2.path(resource).asLong() + global.path("@node").path(resource).asLong(),
                        total.path(resource).asLong(), resource);
            }
        }
        assertEquals(2500 + 2000, total.path("calls").path("msgsnd").asLong() + total.path("calls").path("semop").asLong());

        // per process: the ticker ended by the migration (flag C) on node1 and was killed on node3
        JsonNode p1proc = out.get("p1proc");
        List<JsonNode> loops = processes(p1proc, "ipcloop");
        assertEquals(2, loops.size(), p1proc.toString());
        assertEquals(2000, loops.get(0).path("usage").path("ipc.msgs.out").asLong());
        assertEquals("node1", loops.get(0).path("node").asText());
        assertEquals(500, loops.get(1).path("usage").path("ipc.msgs.out").asLong());
        assertEquals("node3", loops.get(1).path("node").asText());
        List<JsonNode> tickers = processes(p1proc, "ticker");
        assertEquals(List.of("CHECKPOINTED", "KILLED"), tickers.stream().map(record -> record.path("status").asText()).toList());
        assertEquals(List.of("C", "-"), tickers.stream().map(record -> record.path("flag").asText()).toList());
        assertEquals(List.of("node1", "node3"), tickers.stream().map(record -> record.path("node").asText()).toList());
        JsonNode p2proc = out.get("p2proc");
        assertEquals(2000, processes(p2proc, "ipcloop").get(0).path("usage").path("calls").path("semop").asLong());

        // per interval: the intervals add up to the totals
        assertEquals(2500, sum(out.get("p1int"), "p1", "ipc.msgs.out"));
        assertEquals(p1.path("cpu").asLong(), sum(out.get("p1int"), "p1", "cpu"));
        assertEquals(p2.path("cpu").asLong(), sum(out.get("p2int"), "p2", "cpu"));
        assertTrue(run.out().contains("RESOURCE"), run.out());

        // a runtime restart: the files still hold the records, and the totals continue from them
        Haven.Run again = Haven.run(home, home, Duration.ofSeconds(60), "-c", "acct:report p1 --json");
        assertEquals(0, again.status(), again.toString());
        JsonNode restarted = JSON.readTree(again.out().substring(again.out().indexOf('{'))).path("totals").path("p1");
        assertEquals(2500, restarted.path("ipc.msgs.out").asLong(), again.out());
        assertEquals(p1.path("calls"), restarted.path("calls"));
    }

    @Test
    void aFailoverIsCountedAndTheProcessLostWithItsNodeIsFlagged() throws Exception {
        Path script = home.resolve("failover.gosh");
        Files.writeString(script, String.join("\n",
                "acct:on p1",
                "partition:create p1 -n node1",
                "partition:start p1",
                "partition:spawn p1 ticker 50",
                "ha:policy p1 --cfi node2 --bfi node3 --window 60s --checkpoint-every 300ms --keep 2",
                "ha:enable p1",
                "until { (ha:status --json) contains \"\\\"lastImage\\\" : \\\"p1\" } { sleep 1 }",
                "node:crash node1",
                "until { (acct:report p1 --json) contains \"\\\"failovers\\\" : 1\" } { sleep 1 }",
                "until { (acct:report p1 --by process --json) contains \"LOST\" } { sleep 1 }",
                "echo \"==p1==\"",
                "acct:report p1 --json",
                "echo \"==proc==\"",
                "acct:report p1 --by process --json", ""));
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(120), "run", script.toString());
        assertEquals(0, run.status(), run.toString());
        Map<String, JsonNode> out = sections(run.out());
        JsonNode p1 = out.get("p1").path("totals").path("p1");
        assertEquals(1, p1.path("failovers").asLong(), run.out());
        assertEquals(1, p1.path("restarts").asLong(), "the HA manager's restart on node2");
        assertTrue(p1.path("checkpoints").asLong() >= 2, "the boot image and at least one consistency image");
        List<JsonNode> lost = new ArrayList<>();
        out.get("proc").forEach(record -> {
            if (record.path("status").asText().equals("LOST")) {
                lost.add(record);
            }
        });
        assertEquals(1, lost.size(), out.get("proc").toString());
        assertEquals("F", lost.get(0).path("flag").asText());
        assertEquals("node1", lost.get(0).path("node").asText());
    }
}
