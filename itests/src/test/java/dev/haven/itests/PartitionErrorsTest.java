package dev.haven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionException;
import dev.haven.api.partition.PartitionException.Reason;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/** A refused request says why, with the right reason, and changes nothing. */
@ExtendWith(ServiceExtension.class)
class PartitionErrorsTest {

    @InjectService(timeout = 10_000)
    PartitionManager partitions;

    private final String name = Names.partition("err");
    private List<PartitionInfo> before;

    @BeforeEach
    void defineOnePartition() {
        partitions.create(name, "node1", PartitionSpec.DEFAULT);
        before = partitions.list();
    }

    @AfterEach
    void removeIt() {
        Cleanup.remove(partitions, name);
    }

    @Test
    void creatingADuplicateIsRefusedAndKeepsTheOriginal() {
        assertRefused(Reason.DUPLICATE, () -> partitions.create(name, "node3", PartitionSpec.DEFAULT));
        assertEquals("node1", partitions.get(name).orElseThrow().node());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "Upper", "1starts-with-digit", "has_underscore", "has space", "-dash-first",
            "a-name-that-is-far-too-long-for-a-partition" })
    void anInvalidNameIsRefused(String invalid) {
        assertRefused(Reason.INVALID_NAME, () -> partitions.create(invalid, "node1", PartitionSpec.DEFAULT));
    }

    @Test
    void startingAnUnknownPartitionIsRefused() {
        assertRefused(Reason.UNKNOWN_PARTITION, () -> partitions.start(Names.partition("nobody")));
    }

    @Test
    void creatingOnAnUnknownNodeIsRefused() {
        assertRefused(Reason.UNKNOWN_NODE, () -> partitions.create(Names.partition("nowhere"), "node99", PartitionSpec.DEFAULT));
    }

    @Test
    void spawningInAPartitionThatIsNotRunningIsRefused() {
        assertRefused(Reason.WRONG_STATE, () -> partitions.spawn(name, "ticker", List.of(), Credentials.ROOT));
    }

    @Test
    void spawningAnUnknownWorkloadIsRefused() {
        partitions.start(name);
        before = partitions.list();
        assertRefused(Reason.UNKNOWN_WORKLOAD, () -> partitions.spawn(name, "no-such-workload", List.of(), Credentials.ROOT));
        assertEquals(List.of(), partitions.processes(name));
    }

    @Test
    void destroyingARunningPartitionIsRefused() {
        partitions.start(name);
        before = partitions.list();
        assertRefused(Reason.WRONG_STATE, () -> partitions.destroy(name));
        assertEquals(PartitionState.ACTIVE, partitions.get(name).orElseThrow().state());
    }

    @Test
    void startingARunningPartitionIsRefused() {
        partitions.start(name);
        before = partitions.list();
        assertRefused(Reason.WRONG_STATE, () -> partitions.start(name));
    }

    private void assertRefused(Reason reason, Runnable request) {
        PartitionException refused = assertThrows(PartitionException.class, request::run);
        assertEquals(reason, refused.reason(), refused.getMessage());
        assertEquals(before, partitions.list(), "a refused request changes nothing");
    }
}
