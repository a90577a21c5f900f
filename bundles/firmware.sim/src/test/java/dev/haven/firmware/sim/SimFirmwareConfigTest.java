package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.haven.api.firmware.NodeInfo;

class SimFirmwareConfigTest {

    /** The configuration as SCR hands it over, with the given nodes. */
    private static SimFirmwareConfig config(String... nodes) {
        return new SimFirmwareConfig() {
            @Override
            public String[] nodes() {
                return nodes;
            }

            @Override
            public int service_ranking() {
                return 0;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SimFirmwareConfig.class;
            }
        };
    }

    private static String refusal(String... nodes) {
        String message = assertThrows(IllegalArgumentException.class, () -> new SimFirmwareDriver(config(nodes)))
                .getMessage();
        assertTrue(message.startsWith("dev.haven.firmware.sim: "), "names the configuration: " + message);
        return message;
    }

    @Test
    void theConfiguredNodesAreUpInTheirOrder() {
        SimFirmwareDriver driver = new SimFirmwareDriver(config("b", "a-1", "z".repeat(31)));
        try {
            assertEquals(List.of("b", "a-1", "z".repeat(31)), driver.nodes().stream().map(NodeInfo::name).toList());
            assertTrue(driver.nodes().stream().allMatch(n -> n.boot() == 1 && n.partitions().isEmpty()));
        } finally {
            driver.deactivate();
        }
    }

    @Test
    void withoutNodesActivationFails() {
        assertTrue(refusal().contains("at least one"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "Node1", "1node", "-node", "node_1", "node 1", "nodé" })
    void anInvalidNodeNameFailsActivationAndIsNamed(String name) {
        assertTrue(refusal("node1", name).contains("invalid node name '" + name + "'"));
    }

    @Test
    void aNodeNameLongerThan31CharactersFailsActivation() {
        String name = "n".repeat(32);
        assertTrue(refusal(name).contains("invalid node name '" + name + "'"));
    }

    @Test
    void aMissingNodeNameFailsActivation() {
        assertTrue(refusal("node1", null).contains("invalid node name 'null'"));
    }

    @Test
    void aDuplicateNodeFailsActivationAndIsNamed() {
        assertTrue(refusal("node1", "node2", "node1").contains("node 'node1' appears twice"));
    }
}
