package dev.haven.api.partition;

/**
 * The states of a partition, after AIX {@code lswpar}. Transitions:
 * <pre>
 *   DEFINED --start--> ACTIVE --freeze--> FROZEN --thaw--> ACTIVE
 *   FROZEN --checkpoint --stop--> STOPPED      ACTIVE --stop--> STOPPED --start--> ACTIVE
 *   ACTIVE/FROZEN --node or partition failure--> BROKEN --start--> ACTIVE
 * </pre>
 */
public enum PartitionState {
    /** Created and never started. */
    DEFINED('D'),
    /** Running: processes may be spawned and kernel calls are admitted. */
    ACTIVE('A'),
    /** Held at its safe points: no kernel call is admitted (during a checkpoint). */
    FROZEN('F'),
    /** Checkpointed and held, waiting to be resumed or stopped (the end of a live move). */
    PAUSED('P'),
    /** Not running; its definition is kept. */
    STOPPED('S'),
    /** Failed: its node crashed or its processes died; {@link PartitionInfo#reason()} says why. */
    BROKEN('B');

    private final char code;

    PartitionState(char code) {
        this.code = code;
    }

    /** The one-letter code {@code lswpar} shows. */
    public char code() {
        return code;
    }

    /** Whether processes of the partition exist in this state. */
    public boolean running() {
        return this == ACTIVE || this == FROZEN || this == PAUSED;
    }
}
