package dev.haven.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node JVMs started from the exported runtime jar (bin/haven) and a real ZooKeeper server in this JVM,
 * session timeout 2 s, one shared image directory. The test reads the cluster's state from ZooKeeper itself.
 */
class ClusterIT {
    private static final Duration AWAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private TestingServer zookeeper;
    private CuratorFramework observer;
    private final Map<String, Process> nodes = new LinkedHashMap<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
        observer = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        observer.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : nodes.values()) {
            resume(process);
            Haven.kill(process);
        }
        observer.close();
        zookeeper.close();
    }

    private Path start(String node, String... script) throws IOException {
        return start(node, true, script);
    }

    private void configure(String node) throws IOException {
        Files.writeString(dir.resolve(node).resolve("etc/dev.haven.firmware.cluster.cfg"), "node=" + node + "\nconnect="
                + zookeeper.getConnectString() + "\nsession.timeout.ms=2000\n");
    }

    private Path start(String node, boolean cluster, String... script) throws IOException {
        Path home = dir.resolve(node);
        Files.createDirectories(home.resolve("etc"));
        if (cluster) {
            configure(node);
        }
        Files.writeString(home.resolve("etc/dev.haven.image.local.cfg"), "directory=" + dir.resolve("shared") + "\n");
        Path run = Files.createDirectories(dir.resolve("run-" + node));
        List<String> lines = new ArrayList<>(List.of(script));
        lines.add("cluster:serve");
        Path file = run.resolve("node.gogo");
        Files.write(file, lines);
        nodes.put(node, Haven.start(run, home, "run", file.toString()));
        return run;
    }

    private static final String[] JOIN = { "cluster:await --members 3 --timeout 60" };

    private static String[] p1On(String node) {
        return new String[] { JOIN[0], "partition:create p1 -n " + node, "partition:start p1", "partition:spawn p1 ticker 50",
            "ha:policy p1 --cfi " + (node.equals("node1") ? "node2" : "node1") + " --bfi node3 --window 60s "
                    + "--checkpoint-every 300ms --keep 3",
            "ha:enable p1" };
    }

    private Optional<Properties> owner(String partition) {
        try {
            byte[] data = observer.getData().forPath("/haven/owners/" + partition);
            Properties properties = new Properties();
            properties.load(new java.io.StringReader(new String(data, StandardCharsets.UTF_8)));
            return Optional.of(properties);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private List<String> members() {
        try {
            return observer.getChildren().forPath("/haven/members");
        } catch (Exception e) {
            return List.of();
        }
    }

    private long consistencyImages() throws IOException {
        Path shared = dir.resolve("shared");
        if (!Files.isDirectory(shared)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(shared)) {
            return files.filter(path -> path.getFileName().toString().startsWith("p1-")
                    && path.getFileName().toString().endsWith(".hvi")).count();
        }
    }

    private <T> T await(String what, Callable<Optional<T>> condition) throws Exception {
        Instant end = Instant.now().plus(AWAIT);
        while (true) {
            Optional<T> value = condition.call();
            if (value.isPresent()) {
                return value.get();
            }
            if (Instant.now().isAfter(end)) {
                StringBuilder logs = new StringBuilder();
                for (String node : nodes.keySet()) {
                    Path run = dir.resolve("run-" + node);
                    logs.append("\n--- ").append(node).append(" stdout\n").append(Haven.read(run, "stdout"))
                            .append("--- ").append(node).append(" stderr\n").append(Haven.read(run, "stderr"));
                }
                throw new AssertionError("timed out after " + AWAIT.toSeconds() + " s waiting for " + what + "; owner "
                        + owner("p1") + ", members " + members() + logs);
            }
            Thread.sleep(50);
        }
    }

    /** Three nodes, p1 running on node1 with consistency images in the shared directory. */
    private long clusterWithP1OnNode1() throws Exception {
        start("node1", p1On("node1"));
        start("node2", JOIN);
        start("node3", JOIN);
        Properties first = await("p1 running on node1", () -> owner("p1")
                .filter(o -> "node1".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        await("two consistency images of p1", () -> consistencyImages() >= 2 ? Optional.of(true) : Optional.empty());
        return Long.parseLong(first.getProperty("epoch"));
    }

    private static boolean restartedFromConsistencyImage(Path run) throws IOException {
        return Haven.read(run, "stderr").lines().anyMatch(line -> line.contains("restarted p1 from image p1-")
                && line.contains("kind=consistency"));
    }

    @Test
    void killMinus9TheNodeRunningP1AndP1ComesBackOnAnotherNodeFromTheSharedImages() throws Exception {
        long epoch = clusterWithP1OnNode1();
        Haven.kill(nodes.remove("node1"));

        Properties moved = await("p1 running on another node", () -> owner("p1")
                .filter(o -> !"node1".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        assertTrue(Long.parseLong(moved.getProperty("epoch")) > epoch, "epoch " + moved.getProperty("epoch") + " after " + epoch);
        String target = moved.getProperty("node");
        Path run = dir.resolve("run-" + target);
        await(target + " says it restarted p1 from a consistency image",
                () -> restartedFromConsistencyImage(run) ? Optional.of(true) : Optional.empty());
        String other = target.equals("node2") ? "node3" : "node2";
        assertFalse(Haven.read(dir.resolve("run-" + other), "stderr").contains("restarted p1"), "only one node restarts p1");
    }

    @Test
    void aNodeFrozenUntilItsSessionExpiresNeverRunsItsPartitionAgain() throws Exception {
        long epoch = clusterWithP1OnNode1();
        Process frozen = nodes.get("node1");
        signal(frozen, "STOP");
        Properties moved = await("p1 running on another node while node1 is frozen", () -> owner("p1")
                .filter(o -> !"node1".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        long newEpoch = Long.parseLong(moved.getProperty("epoch"));
        assertTrue(newEpoch > epoch);
        long imagesBefore = consistencyImages();
        resume(frozen);
        Path run = dir.resolve("run-node1");
        await("node1 fences p1 after SIGCONT", () -> Haven.read(run, "stderr").contains("fenced p1 on node1")
                ? Optional.of(true) : Optional.empty());
        await("node1 back in the cluster", () -> members().contains("node1") ? Optional.of(true) : Optional.empty());
        Properties after = owner("p1").orElseThrow();
        assertEquals(moved.getProperty("node"), after.getProperty("node"), "p1 stays where it was restarted");
        assertEquals("RUNNING", after.getProperty("state"));
        assertEquals(String.valueOf(newEpoch), after.getProperty("epoch"), "node1 took no new epoch for p1");
        assertTrue(consistencyImages() >= imagesBefore);
    }

    @Test
    void whenTheLeaderDiesAnotherNodeLeadsAndKeepsRecovering() throws Exception {
        start("node1", JOIN);
        await("node1 member", () -> members().contains("node1") ? Optional.of(true) : Optional.empty());
        start("node2", p1On("node2"));
        start("node3", JOIN);
        await("p1 running on node2", () -> owner("p1")
                .filter(o -> "node2".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        await("a consistency image of p1", () -> consistencyImages() >= 1 ? Optional.of(true) : Optional.empty());
        String leader = await("a leader", () -> leader());
        Haven.kill(nodes.remove(leader));
        String next = await("another leader", () -> leader().filter(id -> !id.equals(leader)));
        assertFalse(next.equals(leader));
        if (leader.equals("node2")) {
            await("p1 recovered by the new leader", () -> owner("p1")
                    .filter(o -> !"node2".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        } else {
            Haven.kill(nodes.remove("node2"));
            await("p1 recovered by the new leader", () -> owner("p1")
                    .filter(o -> !"node2".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        }
    }

    @Test
    void installingTheClusterDriverAndStoppingItCarriesARunningPartitionOverAndBack() throws Exception {
        Path run = start("node1", false, "partition:create p1 -n node1", "partition:start p1", "partition:spawn p1 ticker 50",
                "firmware:list");
        await("p1 running on the simulated node1", () -> Haven.read(run, "stdout").lines()
                .anyMatch(line -> line.startsWith("sim ") && line.contains(" yes "))
                ? Optional.of(true) : Optional.empty());
        configure("node1");
        Properties owner = await("p1 handed over to the cluster driver", () -> owner("p1")
                .filter(o -> "node1".equals(o.getProperty("node")) && "RUNNING".equals(o.getProperty("state"))));
        assertEquals("1", owner.getProperty("epoch"));
        await("the handover told", () -> Haven.read(run, "stderr").lines()
                .filter(line -> line.contains("firmware handover: p1 moved from sim/node1 to cluster/node1 through image p1-")
                        && line.contains("1 process(es) resumed")).findFirst());

        Files.delete(dir.resolve("node1/etc/dev.haven.firmware.cluster.cfg"));
        await("p1 handed back to the simulated driver", () -> Haven.read(run, "stderr").lines()
                .filter(line -> line.contains("firmware handover: p1 moved from cluster/node1 to sim/node1 through image p1-")
                        && line.contains("1 process(es) resumed")).findFirst());
        assertEquals("RELEASED", owner("p1").orElseThrow().getProperty("state"), "the cluster let p1 go, not lost it");
        assertFalse(Haven.read(run, "stderr").contains("BROKEN"));
    }

    private Optional<String> leader() {
        try {
            List<String> children = new ArrayList<>(observer.getChildren().forPath("/haven/leader"));
            // LeaderLatch: the lowest sequence number leads; the node's id is the data of its znode
            children.sort((a, b) -> a.substring(a.lastIndexOf('-') + 1).compareTo(b.substring(b.lastIndexOf('-') + 1)));
            if (children.isEmpty()) {
                return Optional.empty();
            }
            String id = new String(observer.getData().forPath("/haven/leader/" + children.get(0)), StandardCharsets.UTF_8);
            return members().contains(id) ? Optional.of(id) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** SIGSTOP/SIGCONT to the runtime's JVM (the launcher script's child). */
    private static void signal(Process launcher, String signal) throws Exception {
        for (ProcessHandle child : launcher.descendants().toList()) {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal + " " + child.pid());
        }
    }

    private static void resume(Process launcher) {
        try {
            signal(launcher, "CONT");
        } catch (Exception | AssertionError e) {
            // the process may be gone already
        }
    }
}
