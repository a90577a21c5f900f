package dev.haven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.firmware.FaultInjector;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.ha.HaEvent;
import dev.haven.api.ha.HaManager;
import dev.haven.api.ha.HaPolicy;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/**
 * A crash during recovery, made to happen at the worst moment rather than hoped for: a participant of
 * this test crashes the CFI node while HA is restoring the partition there. HA must not take the dead
 * instance for a recovered one: it climbs to the boot image on the BFI node, and the partition ends
 * active there, once.
 */
@ExtendWith(ServiceExtension.class)
class HaCrashDuringRecoveryTest {
    private static final String FIRST = "node1";
    private static final String CFI = "node2";
    private static final String BFI = "node3";

    @InjectService(timeout = 10_000)
    PartitionManager partitions;

    @InjectService(timeout = 10_000)
    FirmwareDriver driver;

    @InjectService(timeout = 10_000)
    HaManager ha;

    private final String name = Names.partition("harecover");
    private ServiceRegistration<CheckpointParticipant> participant;

    /** Crashes {@link #CFI} from inside its restore there, once armed. */
    private final class CrashTheTargetWhileRestoring implements CheckpointParticipant {
        final AtomicInteger crashes = new AtomicInteger();
        volatile boolean armed;

        @Override
        public String section() {
            return "test.crash-on-restore";
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
            out.writeInt(1);
        }

        @Override
        public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
            in.readInt();
            if (armed && context.node().equals(CFI) && crashes.getAndIncrement() == 0) {
                faults().crash(CFI);
            }
        }
    }

    @AfterEach
    void cleanUp() {
        if (participant != null) {
            participant.unregister();
        }
        try {
            ha.disable(name);
        } catch (IllegalArgumentException noPolicy) {
            // the test failed before it set one
        }
        for (String node : List.of(FIRST, CFI, BFI)) {
            if (driver.nodes().stream().anyMatch(info -> info.name().equals(node) && info.state() == NodeState.DOWN)) {
                faults().revive(node);
            }
        }
        Cleanup.remove(partitions, name);
    }

    @Test
    void theCfiNodeCrashingDuringTheRestoreSendsThePartitionToItsBootImageOnTheBfiNode() {
        BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
        CrashTheTargetWhileRestoring crasher = new CrashTheTargetWhileRestoring();
        participant = context.registerService(CheckpointParticipant.class, crasher, null);
        partitions.create(name, FIRST, PartitionSpec.DEFAULT);
        partitions.start(name);
        partitions.spawn(name, "ticker", List.of("20"), Credentials.ROOT);
        ha.policy(name, new HaPolicy(List.of(CFI), List.of(BFI), Duration.ofSeconds(60), Duration.ofMillis(200), 2,
                Duration.ofSeconds(1), 3, false));
        ha.enable(name);
        Await.until("a boot image and a consistency image of " + name, () -> status(),
                status -> status.bootImage().isPresent() && status.lastImage().isPresent());

        crasher.armed = true;
        faults().crash(FIRST);

        Await.until(name + " to be recovered on " + BFI, () -> events(), events -> events.stream()
                .anyMatch(event -> event.kind() == HaEvent.Kind.RESTART_BFI), Duration.ofSeconds(20));
        PartitionInfo info = Await.until(name + " to be ACTIVE", () -> partitions.get(name).orElseThrow(),
                partition -> partition.state() == PartitionState.ACTIVE);
        assertEquals(BFI, info.node(), story());
        assertEquals(1, crasher.crashes.get(), "the participant crashed the CFI node once, inside the restore: " + story());
        List<HaEvent.Kind> kinds = events().stream().map(HaEvent::kind).toList();
        int firstFailure = kinds.indexOf(HaEvent.Kind.FAILURE);
        int bfi = kinds.indexOf(HaEvent.Kind.RESTART_BFI);
        assertTrue(firstFailure >= 0 && bfi > firstFailure, story());
        boolean toldWhy = events().subList(firstFailure + 1, bfi).stream().anyMatch(event ->
                event.kind() == HaEvent.Kind.SKIPPED && event.message().contains("consistency image on a CFI node failed")
                || event.kind() == HaEvent.Kind.FAILURE && event.message().contains("while HA was recovering it"));
        assertTrue(toldWhy, "the log says the CFI restart died with its node: " + story());
        assertEquals(2, status().step(), "the ladder stands on the boot-image rung, not beyond: " + story());
        assertEquals(0, events().stream().filter(event -> event.kind() == HaEvent.Kind.BROKEN).count(), story());
    }

    private dev.haven.api.ha.HaStatus status() {
        return ha.status().stream().filter(status -> status.partition().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no HA status for " + name));
    }

    private List<HaEvent> events() {
        return ha.events(Optional.of(name));
    }

    private String story() {
        return events().stream().map(event -> event.kind() + " " + event.message()).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    private FaultInjector faults() {
        return driver.faults().orElseThrow(() -> new AssertionError("the sim driver offers fault injection"));
    }
}
