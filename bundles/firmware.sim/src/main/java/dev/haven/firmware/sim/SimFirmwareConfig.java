package dev.haven.firmware.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Haven simulated firmware", description = "Simulated nodes in this JVM, with fault injection")
@interface SimFirmwareConfig {

    @AttributeDefinition(description = "Names of the simulated nodes: [a-z][a-z0-9-]{0,30}, at least one, no duplicates")
    String[] nodes() default { "node1", "node2", "node3" };

    @AttributeDefinition(description = "Service ranking: the highest-ranked firmware driver is the one in use")
    int service_ranking() default 0;
}
