package dev.haven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/** A partition's life through the PartitionManager service: define, start, run a workload, stop, destroy. */
@ExtendWith(ServiceExtension.class)
class PartitionLifecycleTest {

    @InjectService(timeout = 10_000)
    PartitionManager partitions;

    private final String name = Names.partition("life");

    @AfterEach
    void removeThePartition() {
        Cleanup.remove(partitions, name);
    }

    @Test
    void aNewPartitionIsDefinedOnTheNodeAskedFor() {
        PartitionInfo info = partitions.create(name, "node2", PartitionSpec.DEFAULT);
        assertEquals(name, info.name());
        assertEquals("node2", info.node());
        assertEquals(PartitionState.DEFINED, info.state());
        assertEquals(0, info.processes());
        assertEquals(Optional.of(info.state()), partitions.get(name).map(PartitionInfo::state));
        assertTrue(partitions.list().stream().anyMatch(listed -> listed.name().equals(name)), "list shows " + name);
    }

    @Test
    void aStartedPartitionRunsATickerWhoseCountGrowsUntilItIsStoppedAndDestroyed() {
        partitions.create(name, "node2", PartitionSpec.DEFAULT);

        assertEquals(PartitionState.ACTIVE, partitions.start(name).state());
        assertEquals(PartitionState.ACTIVE, partitions.get(name).orElseThrow().state());

        int vpid = partitions.spawn(name, "ticker", List.of("100"), Credentials.ROOT);
        assertTrue(vpid > 0, "a vpid is positive: " + vpid);

        ProcessInfo process = process(vpid);
        assertEquals("ticker", process.workload());
        assertEquals(List.of("100"), process.args());
        assertEquals(ProcessStatus.RUNNING, process.status());

        long first = Await.until("ticker to count", () -> count(vpid), count -> count >= 1);
        Await.until("ticker to count past " + first, () -> count(vpid), count -> count > first);
        assertEquals(ProcessStatus.RUNNING, process(vpid).status());
        assertEquals(1, partitions.get(name).orElseThrow().processes());

        assertEquals(PartitionState.STOPPED, partitions.stop(name).state());
        assertTrue(process(vpid).status().ended(), "stopping ends the process: " + process(vpid));

        partitions.destroy(name);
        assertEquals(Optional.empty(), partitions.get(name));
        assertFalse(partitions.list().stream().anyMatch(listed -> listed.name().equals(name)), "list no longer shows " + name);
    }

    @Test
    void aStoppedPartitionCanBeStartedAgain() {
        partitions.create(name, "node1", PartitionSpec.DEFAULT);
        partitions.start(name);
        partitions.stop(name);
        assertEquals(PartitionState.ACTIVE, partitions.start(name).state());
    }

    private ProcessInfo process(int vpid) {
        return partitions.processes(name).stream()
                .filter(candidate -> candidate.vpid() == vpid)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no process " + vpid + " in " + partitions.processes(name)));
    }

    private long count(int vpid) {
        String count = process(vpid).state().get("count");
        return count == null ? -1 : Long.parseLong(count);
    }
}
