package dev.haven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import dev.haven.api.firmware.FaultInjector;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/** A node crash breaks the partitions it hosted and loses their processes; a revived node hosts again. */
@ExtendWith(ServiceExtension.class)
class NodeCrashTest {
    private static final String NODE = "node2";

    @InjectService(timeout = 10_000)
    PartitionManager partitions;

    @InjectService(timeout = 10_000)
    FirmwareDriver driver;

    private final String name = Names.partition("crash");

    @AfterEach
    void reviveTheNodeAndRemoveThePartition() {
        if (node().state() == NodeState.DOWN) {
            faults().revive(NODE);
        }
        Cleanup.remove(partitions, name);
    }

    @Test
    void aCrashedNodeBreaksItsPartitionAndLosesItsProcessesUntilItIsRevived() {
        partitions.create(name, NODE, PartitionSpec.DEFAULT);
        partitions.start(name);
        int vpid = partitions.spawn(name, "ticker", List.of("100"), Credentials.ROOT);
        Await.until("ticker to run", () -> partitions.processes(name), processes -> processes.stream()
                .anyMatch(process -> process.vpid() == vpid && process.status() == ProcessStatus.RUNNING));

        faults().crash(NODE);

        PartitionInfo broken = Await.until(name + " to be BROKEN", () -> partitions.get(name).orElseThrow(),
                info -> info.state() == PartitionState.BROKEN);
        String reason = broken.reason().orElseThrow(() -> new AssertionError("a BROKEN partition says why"));
        assertTrue(reason.contains(NODE), "the reason names the node: " + reason);
        assertEquals(0, broken.processes());
        List<ProcessInfo> lost = Await.until("the processes to be LOST", () -> partitions.processes(name),
                processes -> !processes.isEmpty() && processes.stream().allMatch(p -> p.status() == ProcessStatus.LOST));
        assertEquals(vpid, lost.get(0).vpid());
        assertEquals(NodeState.DOWN, node().state());

        faults().revive(NODE);

        NodeInfo revived = Await.until(NODE + " to be UP", this::node, info -> info.state() == NodeState.UP);
        assertTrue(revived.boot() >= 2, "a revived node has booted again: " + revived);
        assertEquals(PartitionState.ACTIVE, partitions.start(name).state(), "a broken partition starts again");
    }

    private FaultInjector faults() {
        return driver.faults().orElseThrow(() -> new AssertionError("the sim driver offers fault injection"));
    }

    private NodeInfo node() {
        return driver.nodes().stream()
                .filter(node -> node.name().equals(NODE))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + NODE));
    }
}
