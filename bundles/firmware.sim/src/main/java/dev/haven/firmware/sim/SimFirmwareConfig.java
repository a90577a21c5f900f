package dev.haven.firmware.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The configuration of the simulated firmware, PID {@value SimFirmwareDriver#PID}. */
@ObjectClassDefinition(name = "Haven simulated firmware", description = "Simulated nodes in this JVM, with fault "
        + "injection. Changing the configuration restarts the driver: every node boots again and every lease ends.")
@interface SimFirmwareConfig {

    @AttributeDefinition(name = "Nodes", description = "Names of the simulated nodes: at least one, no duplicates, "
            + "each a lowercase letter followed by up to 30 lowercase letters, digits or '-'")
    String[] nodes() default { "node1", "node2", "node3" };

    @AttributeDefinition(name = "Service ranking",
            description = "The runtime uses the highest-ranked firmware driver; rank another above this one to swap it in")
    int service_ranking() default 0;
}
