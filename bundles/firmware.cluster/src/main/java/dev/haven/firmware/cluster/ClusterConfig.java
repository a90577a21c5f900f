package dev.haven.firmware.cluster;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The configuration of the cluster firmware, PID {@value ClusterFirmwareDriver#PID}; without one the driver stays off. */
@ObjectClassDefinition(name = "Haven cluster firmware", description = "This runtime as one node of a cluster coordinated "
        + "by ZooKeeper. Images must live in a directory every node shares (configure dev.haven.image.local).")
@interface ClusterConfig {

    @AttributeDefinition(name = "Node", description = "This runtime's node name, unique in the cluster: a lowercase "
            + "letter followed by up to 30 lowercase letters, digits or '-'")
    String node();

    @AttributeDefinition(name = "ZooKeeper", description = "The ZooKeeper connection string, host:port[,host:port...]")
    String connect() default "localhost:2181";

    @AttributeDefinition(name = "Session timeout (ms)", description = "The ZooKeeper session timeout, 1000 to 60000. "
            + "A node whose session dies is declared dead after it; its partitions are fenced sooner (2/3 of it)")
    int session_timeout_ms() default 10_000;

    @AttributeDefinition(name = "Root", description = "The znode under which this cluster keeps its state")
    String root() default "/haven";

    @AttributeDefinition(name = "Service ranking",
            description = "The runtime uses the highest-ranked firmware driver; above the simulated one's 0 by default")
    int service_ranking() default 10;
}
