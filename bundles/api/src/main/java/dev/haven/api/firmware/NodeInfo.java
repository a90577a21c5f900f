package dev.haven.api.firmware;

import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one node.
 *
 * @param name the node's name, unique within its driver
 * @param state up or down
 * @param boot how many times the node has booted; a crash and revive makes a new boot, whose kernel
 *        has none of the old one's objects
 * @param partitions the partitions the node hosts now
 */
public record NodeInfo(String name, NodeState state, long boot, Set<String> partitions) {
    public NodeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        partitions = Set.copyOf(partitions);
    }
}
