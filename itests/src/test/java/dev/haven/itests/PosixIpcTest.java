package dev.haven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import dev.haven.api.ipc.PosixIpcAdmin;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/**
 * POSIX IPC inside the framework: workloads reach it through the kernel's extension whiteboard, the operator's view
 * is a service, and a stopped partition leaves no object behind.
 */
@ExtendWith(ServiceExtension.class)
class PosixIpcTest {

    @InjectService(timeout = 10_000)
    PartitionManager partitions;

    @InjectService(timeout = 10_000)
    PosixIpcAdmin posix;

    private final String name = Names.partition("posix");

    @AfterEach
    void removeThePartition() {
        Cleanup.remove(partitions, name);
    }

    @Test
    void theThreeStagesOfMqPipelineRunOverPosixQueuesInAPartition() {
        Await.until("the mq-pipeline workload to be registered", partitions::workloads, names -> names.contains("mq-pipeline"));
        partitions.create(name, "node1", PartitionSpec.DEFAULT);
        partitions.start(name);
        int consumer = partitions.spawn(name, "mq-pipeline", List.of("consumer", "100", "0", "itest"), Credentials.ROOT);
        int transform = partitions.spawn(name, "mq-pipeline", List.of("transform", "100", "0", "itest"), Credentials.ROOT);
        int producer = partitions.spawn(name, "mq-pipeline", List.of("producer", "100", "0", "itest"), Credentials.ROOT);
        for (int vpid : List.of(producer, transform, consumer)) {
            ProcessInfo ended = partitions.waitFor(name, vpid, Duration.ofSeconds(30));
            assertEquals(ProcessStatus.EXITED, ended.status(), ended.toString());
            assertEquals(Optional.of(0), ended.exitStatus(), ended.toString());
        }
        assertEquals("100", partitions.waitFor(name, consumer, Duration.ZERO).state().get("verified"));
        Await.until("the unlinked queues to go with their last handles", () -> posix.list(Optional.of(name)), List::isEmpty);
    }

    @Test
    void stoppingThePartitionDropsItsObjects() {
        partitions.create(name, "node1", PartitionSpec.DEFAULT);
        partitions.start(name);
        partitions.spawn(name, "mq-pipeline", List.of("consumer", "10", "0", "stop"), Credentials.ROOT);
        Await.until("the consumer's queue", () -> posix.list(Optional.of(name)), objects -> objects.size() == 1);
        partitions.stop(name);
        assertEquals(List.of(), posix.list(Optional.of(name)));
    }
}
