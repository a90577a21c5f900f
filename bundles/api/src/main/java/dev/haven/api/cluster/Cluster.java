package dev.haven.api.cluster;

import org.osgi.annotation.versioning.ProviderType;

/** The cluster this runtime is a node of, as the cluster firmware driver sees it. */
@ProviderType
public interface Cluster {

    /** A snapshot: members, leader, this node's session, who owns which partition. */
    ClusterStatus status();
}
