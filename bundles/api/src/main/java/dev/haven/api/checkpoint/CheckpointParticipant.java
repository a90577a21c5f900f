package dev.haven.api.checkpoint;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: one service per kind of kernel object (processes, IPC, STREAMS, ptys, accounting)
 * that writes its part of a partition into a checkpoint image and rebuilds it on restart. The
 * orchestrator knows nothing of any kind of object; each participant owns its section's format and
 * documents it next to its code.
 *
 * <p>Checkpoint calls come while the partition is frozen, in the order of {@link #section()} names
 * topologically sorted by {@link #restoreAfter()}. Restore calls come in the same order on the target
 * node, before any process resumes. A restore that fails makes the orchestrator call
 * {@link #discard} on every participant that restored, so nothing half-built survives.
 */
@ConsumerType
public interface CheckpointParticipant {

    /** The section name this participant owns, {@code [a-z][a-z0-9.-]{0,30}}, unique among participants. */
    String section();

    /** The version of the section format {@link #checkpoint} writes. */
    int version();

    /** Whether {@link #restore} can read a section written in that version. */
    default boolean canRead(int version) {
        return version >= 1 && version <= version();
    }

    /** Sections that must be restored before this one (ptys after streams). */
    default Set<String> restoreAfter() {
        return Set.of();
    }

    /**
     * Refuses a checkpoint, as AIX's {@code WPAR_CHECKPOINT_DENY}: the reason is shown to the operator
     * and the partition is thawed unchanged. Called while the partition is frozen.
     */
    default Optional<String> veto(CheckpointContext context) {
        return Optional.empty();
    }

    /** Writes this participant's state of the frozen partition. */
    void checkpoint(CheckpointContext context, SectionOutput out) throws IOException;

    /**
     * Rebuilds this participant's state in the target partition from a section it (or an older version
     * of it) wrote. Virtual ids are re-registered as they were; real objects are created afresh on the
     * target node.
     *
     * @throws ImageException when the section's content is not valid; the message names what is wrong
     */
    void restore(RestoreContext context, int version, SectionInput in) throws IOException;

    /** Drops whatever {@link #restore} built for the partition, after a failed restart. */
    default void discard(RestoreContext context) {
    }
}
