package dev.haven.api.checkpoint;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One participant's copy of a running partition's bulk state, kept current in rounds. The copy lives
 * where the target will take it from; the section {@link #finish} writes refers to it, so the image
 * is restartable only while the copy is open: {@link #close} comes after the target has restored (or
 * the migration fell back or failed).
 */
@ConsumerType
public interface PreCopy extends AutoCloseable {

    /**
     * Copies everything written since the previous round (everything, the first time) while the
     * partition runs, and returns the bytes copied.
     */
    long round() throws IOException;

    /** Bytes written since the last round, which the next round (or the freeze) has to copy. */
    long dirty();

    /**
     * During the freeze, instead of {@link CheckpointParticipant#checkpoint}: copies what is still dirty
     * and writes the section, which refers to the copy for the bulk.
     *
     * @return the bulk bytes copied during the freeze
     */
    long finish(CheckpointContext context, SectionOutput out) throws IOException;

    /** Stops tracking writes and lets the copy go. */
    @Override
    void close();
}
