package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bounded soak of issue 8: for a minute, random node crashes and revivals while three partitions
 * run {@code counter} (three processes each) under HA. Then: no committed increment was lost (after a
 * restart from a consistency image the count is never below what was counted before that image was
 * taken, and every surviving partition's shared total equals the sum of its processes' own counts), no
 * partition was ever hosted by two nodes at once, and every partition ends ACTIVE or BROKEN with a reason.
 *
 * <p>The chaos is generated here from a seed (printed with any failure, {@code -Dsoak.seed=N} replays
 * it); the runtime samples itself once a second, each sample bracketed by wall-clock stamps so that it can
 * be compared with image creation times and HA events.
 */
class HaSoakIT {
    private static final List<String> NODES = List.of("node1", "node2", "node3");
    private static final List<String> PARTITIONS = List.of("s1", "s2", "s3");
    private static final int SECONDS = 60;
    private static final DateTimeFormatter IMAGE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");
    private static final Pattern IMAGE_ID = Pattern.compile("from (s\\d)-(\\d{8}T\\d{6}\\.\\d{3}Z)\\.hvi");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** One look at the runtime: what each partition had counted and which nodes hosted it. */
    record Sample(Instant begin, Instant end, Map<String, Long> counts, Map<String, List<String>> hosts) {
    }

    @Test
    void aMinuteOfNodeCrashesLosesNoCommittedIncrementAndNeverRunsAPartitionTwice() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        String script = script(new Random(seed));
        Path file = home.resolve("soak.gosh");
        Files.writeString(file, script);
        Haven.Run run = Haven.run(home, home, Duration.ofSeconds(SECONDS + 120), "run", file.toString());
        String context = "seed " + seed + "; " + run;
        assertEquals(0, run.status(), context);

        List<Sample> samples = samples(run.out());
        assertTrue(samples.size() >= SECONDS / 2, "the runtime sampled itself: " + samples.size() + " samples; " + context);
        JsonNode events = JSON.readTree(between(run.out(), "<<<events", ">>>"));
        int failures = 0;
        for (JsonNode event : events) {
            failures += event.get("kind").asText().equals("FAILURE") ? 1 : 0;
        }
        assertTrue(failures >= 1, "the chaos hit the partitions: " + failures + " failures; " + context);

        for (Sample sample : samples) {
            for (Map.Entry<String, List<String>> hosted : sample.hosts().entrySet()) {
                assertTrue(hosted.getValue().size() <= 1, hosted.getKey() + " ran on " + hosted.getValue() + " at once at "
                        + sample.begin() + "; " + context);
            }
        }
        int compared = assertNoCountFellBelowItsConsistencyImage(events, samples, context);

        JsonNode partitions = JSON.readTree(between(run.out(), "<<<partitions", ">>>"));
        List<String> ends = new ArrayList<>();
        partitions.forEach(partition -> ends.add(partition.get("name").asText() + " " + partition.get("state").asText()));
        System.out.println("soak seed " + seed + ": " + samples.size() + " samples, " + failures + " failures, " + compared
                + " restarts from consistency images compared with the counts before them; at the end " + ends);
        for (JsonNode partition : partitions) {
            String name = partition.get("name").asText();
            String state = partition.get("state").asText();
            assertTrue(state.equals("ACTIVE") || state.equals("BROKEN"), name + " ended " + state + "; " + context);
            if (state.equals("BROKEN")) {
                assertTrue(partition.get("reason").isTextual() && !partition.get("reason").asText().isBlank(),
                        name + " is broken without a reason; " + context);
                continue;
            }
            JsonNode check = JSON.readTree(between(run.out(), "<<<check " + name, ">>>"));
            JsonNode checker = check.get(check.size() - 1);
            assertEquals("EXITED", checker.get("status").asText(), name + ": " + checker + "; " + context);
            assertEquals(checker.get("state").get("total").asText(), checker.get("state").get("sum").asText(),
                    name + ": the shared total and the sum of the processes' counts differ; " + context);
            assertEquals(0, checker.get("exitStatus").asInt(), name + ": " + checker + "; " + context);
        }
    }

    /**
     * After a restart from consistency image X, the count is at least what any sample had counted before
     * X was taken, since the instance that took X last came up (a count before that belongs to an older
     * life of the partition, which a boot image may have reset).
     */
    private static int assertNoCountFellBelowItsConsistencyImage(JsonNode events, List<Sample> samples, String context) {
        Map<String, Instant> lastRecovered = new HashMap<>();
        int checked = 0;
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String partition = event.get("partition").asText();
            Instant at = Instant.parse(event.get("at").asText());
            String kind = event.get("kind").asText();
            if (kind.equals("RESTART_CFI")) {
                Matcher image = IMAGE_ID.matcher(event.get("message").asText());
                assertTrue(image.find(), "RESTART_CFI names its image: " + event);
                Instant taken = LocalDateTime.parse(image.group(2), IMAGE_TIME).toInstant(ZoneOffset.UTC);
                Instant lifeBegan = lastRecovered.getOrDefault(partition, Instant.EPOCH);
                long floor = samples.stream()
                        .filter(sample -> sample.begin().isAfter(lifeBegan) && sample.end().isBefore(taken))
                        .mapToLong(sample -> sample.counts().getOrDefault(partition, 0L)).max().orElse(-1);
                Instant nextFailure = nextEvent(events, i, partition, "FAILURE");
                var after = samples.stream().filter(sample -> sample.begin().isAfter(at) && sample.end().isBefore(nextFailure))
                        .findFirst();
                if (floor >= 0 && after.isPresent()) {
                    long count = after.get().counts().getOrDefault(partition, 0L);
                    assertTrue(count >= floor, partition + " restarted from the consistency image of " + taken + " at " + at
                            + " counts " + count + ", below the " + floor + " it had counted before that image; " + context);
                    checked++;
                }
            }
            if (kind.equals("RECOVERED")) {
                lastRecovered.put(partition, at);
            }
        }
        assertTrue(checked >= 1, "at least one restart from a consistency image was compared with the counts before it; "
                + context);
        return checked;
    }

    private static Instant nextEvent(JsonNode events, int from, String partition, String kind) {
        for (int i = from + 1; i < events.size(); i++) {
            JsonNode event = events.get(i);
            if (event.get("partition").asText().equals(partition) && event.get("kind").asText().equals(kind)) {
                return Instant.parse(event.get("at").asText());
            }
        }
        return Instant.MAX;
    }

    /** Set-up, a minute of chaos with a sample each second, the end state and a counter check per partition. */
    private static String script(Random random) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PARTITIONS.size(); i++) {
            String partition = PARTITIONS.get(i);
            String cfi = NODES.get((i + 1) % 3) + "," + NODES.get((i + 2) % 3);
            String bfi = NODES.get((i + 2) % 3) + "," + NODES.get(i);
            lines.add("partition:create " + partition + " -n " + NODES.get(i));
            lines.add("partition:start " + partition);
            for (int process = 0; process < 3; process++) {
                lines.add("partition:spawn " + partition + " counter 1000000000 2");
            }
            lines.add("ha:policy " + partition + " --cfi " + cfi + " --bfi " + bfi
                    + " --window 2s --checkpoint-every 300ms --keep 3 --heartbeat 500ms --missed 10");
            lines.add("ha:enable " + partition);
        }
        lines.add("until { (ha:status --json) contains \"bootImage\\\" : \\\"s3\" } { sleep 1 }");
        TreeSet<String> down = new TreeSet<>();
        for (int second = 0; second < SECONDS; second++) {
            // first a crash certain to hit (s1 starts on node1) with samples before and after it, then about
            // a crash every four seconds, a down node mostly back within two: ladders climb and start again
            double roll = random.nextDouble();
            if (second < 6) {
                if (second == 2) {
                    down.add("node1");
                    lines.add("node:crash node1");
                } else if (second == 5) {
                    down.remove("node1");
                    lines.add("node:revive node1");
                }
            } else if (!down.isEmpty() && roll < 0.5) {
                String node = List.copyOf(down).get(random.nextInt(down.size()));
                down.remove(node);
                lines.add("node:revive " + node);
            } else if (down.size() < NODES.size() - 1 && roll > 0.75) {
                List<String> up = NODES.stream().filter(node -> !down.contains(node)).toList();
                String node = up.get(random.nextInt(up.size()));
                down.add(node);
                lines.add("node:crash " + node);
            }
            lines.add("echo SAMPLE-BEGIN ((new java.util.Date) time)");
            PARTITIONS.forEach(partition -> marked(lines, "ps " + partition, "partition:ps --json " + partition));
            marked(lines, "nodes", "node:list --json");
            lines.add("echo SAMPLE-END ((new java.util.Date) time)");
            lines.add("sleep 1");
        }
        down.forEach(node -> lines.add("node:revive " + node));
        lines.add("sleep 2");
        PARTITIONS.forEach(partition -> lines.add("ha:disable " + partition));
        lines.add("sleep 1");
        for (String partition : PARTITIONS) {
            lines.add("try { v = (partition:spawn " + partition + " counter 0 0); partition:wait " + partition + " $v } { echo no check of "
                    + partition + ": $exception }");
            marked(lines, "check " + partition, "partition:ps --json " + partition);
        }
        marked(lines, "partitions", "partition:list --json");
        marked(lines, "events", "ha:events --json");
        return String.join("\n", lines) + "\n";
    }

    /** A command whose output {@link #between} finds again by its marker. */
    private static void marked(List<String> lines, String marker, String command) {
        lines.add("echo '<<<" + marker + "'");
        lines.add(command);
        lines.add("echo '>>>'");
    }

    private static List<Sample> samples(String out) throws Exception {
        List<Sample> samples = new ArrayList<>();
        int at = 0;
        while ((at = out.indexOf("SAMPLE-BEGIN ", at)) >= 0) {
            int end = out.indexOf("SAMPLE-END ", at);
            String block = out.substring(at, out.indexOf('\n', end));
            Instant begin = Instant.ofEpochMilli(Long.parseLong(firstLine(block.substring("SAMPLE-BEGIN ".length()))));
            Instant finish = Instant.ofEpochMilli(Long.parseLong(firstLine(block.substring(block.indexOf("SAMPLE-END ")
                    + "SAMPLE-END ".length()))));
            Map<String, Long> counts = new HashMap<>();
            for (String partition : PARTITIONS) {
                long count = 0;
                for (JsonNode process : JSON.readTree(between(block, "<<<ps " + partition, ">>>"))) {
                    JsonNode mine = process.get("state").get("mine");
                    count += mine == null ? 0 : Long.parseLong(mine.asText());
                }
                counts.put(partition, count);
            }
            Map<String, List<String>> hosts = new HashMap<>();
            for (JsonNode node : JSON.readTree(between(block, "<<<nodes", ">>>"))) {
                for (JsonNode partition : node.get("partitions")) {
                    hosts.computeIfAbsent(partition.asText(), name -> new ArrayList<>()).add(node.get("name").asText());
                }
            }
            samples.add(new Sample(begin, finish, counts, hosts));
            at = end;
        }
        return samples;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }

    private static String between(String text, String open, String close) {
        int begin = text.indexOf(open + "\n");
        assertTrue(begin >= 0, "no " + open + " in the output:\n" + text);
        begin += open.length() + 1;
        int end = text.indexOf("\n" + close, begin);
        assertTrue(end >= 0, "no " + close + " after " + open);
        return text.substring(begin, end);
    }
}
