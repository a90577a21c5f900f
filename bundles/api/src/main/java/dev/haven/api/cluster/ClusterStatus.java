package dev.haven.api.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One look at the cluster from one node.
 *
 * @param node this runtime's node
 * @param connect the ZooKeeper connection string
 * @param session this node's ZooKeeper session: {@code CONNECTED}, {@code SUSPENDED} (connection lost, the session
 *        may still live; its partitions are already fenced), {@code LOST} or {@code STOPPED}
 * @param sessionTimeoutMillis the negotiated session timeout, or the configured one while not connected
 * @param leader the node leading recovery, if one is known
 * @param members every node known: live members and nodes still named as owners
 * @param partitions every partition with an owner record, by name
 */
public record ClusterStatus(String node, String connect, String session, long sessionTimeoutMillis, Optional<String> leader,
        List<Member> members, List<Ownership> partitions) {

    public ClusterStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(leader, "leader");
        members = List.copyOf(members);
        partitions = List.copyOf(partitions);
    }

    /**
     * A node.
     *
     * @param name its name
     * @param live whether it has a ZooKeeper session now
     * @param partitions the partitions it owns (running or assigned to it)
     */
    public record Member(String name, boolean live, List<String> partitions) {
        public Member {
            Objects.requireNonNull(name, "name");
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * The owner record of one partition.
     *
     * @param partition the partition
     * @param node its owner
     * @param epoch grows with every grant of the partition; a holder with a lower one is stale
     * @param state {@code RUNNING}, {@code ASSIGNED} (the leader handed a restart to the node), {@code RELEASED},
     *        {@code LOST} (its instance is gone; the leader restarts it elsewhere) or {@code BROKEN} (no node could)
     * @param reason why it is in that state, when it says more than the state
     */
    public record Ownership(String partition, String node, long epoch, String state, Optional<String> reason) {
        public Ownership {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
