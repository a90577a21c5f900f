package dev.haven.api.firmware;

/** Whether a node can host partitions. */
public enum NodeState {
    UP,
    DOWN
}
