package dev.haven.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.partition.PartitionManager;

/** The runtime's services find each other: manager, simulated firmware and workloads are registered. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ServiceWiringTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    PartitionManager partitions;

    @InjectService(timeout = 10_000)
    FirmwareDriver driver;

    @Test
    void everyHavenBundleIsActive() {
        for (String name : List.of("dev.haven.api", "dev.haven.kernel", "dev.haven.firmware.sim", "dev.haven.image",
                "dev.haven.ipc", "dev.haven.workloads")) {
            Bundle bundle = java.util.Arrays.stream(context.getBundles())
                    .filter(candidate -> name.equals(candidate.getSymbolicName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " is not installed"));
            assertEquals(Bundle.ACTIVE, bundle.getState(), name + " is not active");
        }
    }

    @Test
    void theSimulatedFirmwareDriverIsInUseWithNodesOneToThree() {
        assertEquals("sim", driver.name());
        List<String> nodes = driver.nodes().stream().map(NodeInfo::name).toList();
        assertTrue(nodes.containsAll(List.of("node1", "node2", "node3")), "nodes: " + nodes);
    }

    @Test
    void theSimulatedDriverCanInjectFaults() {
        assertTrue(driver.faults().isPresent(), "the sim driver offers fault injection");
    }

    @Test
    void theTickerWorkloadCanBeSpawned() {
        Await.until("the ticker workload to be registered", partitions::workloads, names -> names.contains("ticker"));
    }
}
