package dev.haven.firmware.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.CheckpointService;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.MigrationOptions;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.checkpoint.RestartResult;
import dev.haven.api.cluster.ClusterStatus;
import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.partition.PartitionSpec;

/** Three drivers in one JVM against a real ZooKeeper server (curator-test), session timeout 2 s. */
class ClusterFirmwareDriverTest {
    private static final int TIMEOUT_MS = 2000;
    private static final Duration AWAIT = Duration.ofSeconds(20);

    private TestingServer server;
    private final List<ClusterFirmwareDriver> drivers = new ArrayList<>();
    private final List<FakeKernel> kernels = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        for (ClusterFirmwareDriver driver : drivers) {
            driver.deactivate();
        }
        server.close();
    }

    private ClusterFirmwareDriver node(String name) {
        ClusterFirmwareDriver driver = new ClusterFirmwareDriver(name, server.getConnectString(), TIMEOUT_MS, "/haven");
        FakeKernel kernel = new FakeKernel(driver, name);
        driver.setCheckpoints(kernel, kernel);
        driver.addListener(kernel.events::add);
        drivers.add(driver);
        kernels.add(kernel);
        return driver;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(AWAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + AWAIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static long up(ClusterFirmwareDriver driver) {
        return driver.nodes().stream().filter(info -> info.state() == NodeState.UP).count();
    }

    private static Optional<ClusterStatus.Ownership> owner(ClusterFirmwareDriver driver, String partition) {
        return driver.status().partitions().stream().filter(o -> o.partition().equals(partition)).findFirst();
    }

    @Test
    void membersLeaderAndOneOwnerPerPartition() throws Exception {
        ClusterFirmwareDriver n1 = node("n1");
        ClusterFirmwareDriver n2 = node("n2");
        ClusterFirmwareDriver n3 = node("n3");
        for (ClusterFirmwareDriver driver : List.of(n1, n2, n3)) {
            await("three members seen", () -> up(driver) == 3 && driver.status().leader().isPresent());
        }
        assertEquals(1, List.of(n1, n2, n3).stream().map(d -> d.status().leader().orElseThrow()).distinct().count());

        Lease lease = n1.host("p1", "n1");
        assertEquals(1, lease.epoch());
        assertTrue(lease.valid());
        FirmwareException taken = assertThrows(FirmwareException.class, () -> n2.host("p1", "n2"));
        assertEquals(FirmwareException.Reason.ALREADY_HOSTED, taken.reason());
        assertTrue(taken.getMessage().contains("belongs to node n1"), taken.getMessage());
        FirmwareException remote = assertThrows(FirmwareException.class, () -> n1.host("p2", "n2"));
        assertEquals(FirmwareException.Reason.NOT_SUPPORTED, remote.reason());
        FirmwareException unknown = assertThrows(FirmwareException.class, () -> n1.host("p2", "n9"));
        assertEquals(FirmwareException.Reason.UNKNOWN_NODE, unknown.reason());
        await("p1 listed on n1 everywhere", () -> n3.nodes().stream()
                .anyMatch(info -> info.name().equals("n1") && info.partitions().contains("p1")));

        lease.release();
        assertFalse(lease.valid());
        await("p1 released", () -> owner(n2, "p1").map(o -> o.state().equals("RELEASED")).orElse(false));
        Lease again = n2.host("p1", "n2");
        assertEquals(2, again.epoch(), "a new grant gets the next epoch, on any node");
    }

    @Test
    void theLeaderRestartsADeadNodesPartitionOnAnotherNodeUnderANewEpoch() throws Exception {
        ClusterFirmwareDriver n1 = node("n1");
        ClusterFirmwareDriver n2 = node("n2");
        ClusterFirmwareDriver n3 = node("n3");
        for (ClusterFirmwareDriver driver : List.of(n1, n2, n3)) {
            await("three members", () -> up(driver) == 3);
        }
        Lease lease = n1.host("p1", "n1");
        drivers.remove(n1);
        n1.deactivate();
        assertFalse(lease.valid(), "a driver that stops ends its leases first");

        await("p1 running again elsewhere", () -> owner(n2, "p1")
                .map(o -> o.state().equals("RUNNING") && !o.node().equals("n1")).orElse(false));
        ClusterStatus.Ownership moved = owner(n2, "p1").orElseThrow();
        assertTrue(moved.epoch() > lease.epoch(), "epoch " + moved.epoch());
        // the fake kernel records the restart once the lease is granted, right after the owner record changed
        await("the restart recorded", () -> kernels.stream().anyMatch(kernel -> !kernel.restarted.isEmpty()));
        long restarts = kernels.stream().mapToLong(kernel -> kernel.restarted.size()).sum();
        assertEquals(1, restarts, "exactly one node restarted p1");
        FakeKernel target = kernels.stream().filter(kernel -> !kernel.restarted.isEmpty()).findFirst().orElseThrow();
        assertEquals(moved.node(), target.node);
        assertEquals("p1-consistency", target.restarted.get(0), "the newest consistency image is used");
    }

    @Test
    void aLostConnectionFencesTheLeasesBeforeTheSessionCanExpire() throws Exception {
        ClusterFirmwareDriver n1 = node("n1");
        await("member", () -> up(n1) == 1);
        Lease lease = n1.host("p1", "n1");
        long stopped = System.nanoTime();
        server.stop();
        await("lease fenced", () -> !lease.valid());
        long fencedAfterMs = (System.nanoTime() - stopped) / 1_000_000;
        assertTrue(fencedAfterMs < TIMEOUT_MS, "fenced after " + fencedAfterMs + " ms, the session timeout is " + TIMEOUT_MS);
        await("PARTITION_DIED heard", () -> kernels.get(0).events.stream()
                .anyMatch(e -> e.kind() == FirmwareEvent.Kind.PARTITION_DIED && e.partition().equals(Optional.of("p1"))));
        FirmwareException down = assertThrows(FirmwareException.class, () -> n1.host("p2", "n1"));
        assertEquals(FirmwareException.Reason.NODE_DOWN, down.reason());
    }

    @Test
    void anOwnerWhoseEpochIsStaleIsFenced() throws Exception {
        ClusterFirmwareDriver n1 = node("n1");
        await("member", () -> up(n1) == 1);
        Lease lease = n1.host("p1", "n1");
        try (CuratorFramework admin = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
            admin.start();
            admin.setData().forPath("/haven/owners/p1", Owner.running("n2", lease.epoch() + 1).bytes());
        }
        await("stale lease fenced", () -> !lease.valid());
        // the event is delivered on the driver's event thread, after the lease ended
        await("PARTITION_DIED heard", () -> kernels.get(0).events.stream()
                .anyMatch(e -> e.kind() == FirmwareEvent.Kind.PARTITION_DIED));
        FirmwareEvent died = kernels.get(0).events.stream().filter(e -> e.kind() == FirmwareEvent.Kind.PARTITION_DIED)
                .findFirst().orElseThrow();
        assertTrue(died.reason().contains("stale"), died.reason());
    }

    @Test
    void anotherNodeLeadsWhenTheLeaderGoes() throws Exception {
        ClusterFirmwareDriver n1 = node("n1");
        await("n1 leads", () -> n1.status().leader().equals(Optional.of("n1")));
        ClusterFirmwareDriver n2 = node("n2");
        await("n2 sees n1 lead", () -> n2.status().leader().equals(Optional.of("n1")));
        drivers.remove(n1);
        n1.deactivate();
        await("n2 leads", () -> n2.status().leader().equals(Optional.of("n2")));
        await("n1 gone", () -> n2.nodes().stream().map(NodeInfo::name).noneMatch("n1"::equals));
    }

    /** The kernel's side of a restart: takes the lease from the driver, as the real one does. */
    private static final class FakeKernel implements CheckpointService, ImageStore {
        final ClusterFirmwareDriver driver;
        final String node;
        final List<String> restarted = new CopyOnWriteArrayList<>();
        final List<FirmwareEvent> events = new CopyOnWriteArrayList<>();

        FakeKernel(ClusterFirmwareDriver driver, String node) {
            this.driver = driver;
            this.node = node;
        }

        @Override
        public RestartResult restart(String image, RestartOptions options) {
            driver.host(image.substring(0, image.indexOf('-')), options.node().orElseThrow());
            restarted.add(image);
            return null;
        }

        @Override
        public List<ImageInfo> list(Optional<String> partition) {
            String name = partition.orElseThrow();
            PartitionSpec spec = PartitionSpec.DEFAULT;
            Instant now = Instant.now();
            return List.of(
                    new ImageInfo(name + "-manual", Path.of("m"), new ImageHeader(1, name, spec, "n1", now, Map.of("kind", "manual")), List.of(), 0),
                    new ImageInfo(name + "-consistency", Path.of("c"),
                            new ImageHeader(1, name, spec, "n1", now.minusSeconds(1), Map.of("kind", "consistency")), List.of(), 0));
        }

        @Override
        public CheckpointResult checkpoint(String partition, CheckpointOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MigrationResult migrate(String partition, String node, ProgressListener progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MigrationResult migrate(String partition, String node, MigrationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImageWriter create(ImageHeader header) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImageWriter create(ImageHeader header, Path directory) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ImageInfo> latest(String partition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImageInfo inspect(String ref) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImageInfo verify(String ref) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImageReader open(String ref) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String ref) {
            throw new UnsupportedOperationException();
        }
    }
}
