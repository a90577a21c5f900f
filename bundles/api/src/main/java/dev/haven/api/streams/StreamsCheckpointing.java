package dev.haven.api.streams;

import dev.haven.api.firmware.NodeKernel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The framework's side of the STREAMS checkpointer, a service so that the checkpointer is a bundle of its
 * own and can be swapped. Called only while the partition is frozen (no kernel call in flight).
 */
@ProviderType
public interface StreamsCheckpointing {

    /**
     * Freezes every stream of the partition ({@code freezestr}), sends the checkpoint message through
     * each, from the stream head down to the driver, letting every module and driver write its state into
     * it, records every queue, and unfreezes. Nothing moves meanwhile: a frozen stream lets no message
     * but the checkpoint message pass.
     *
     * @throws CheckpointRefusedException if a module or driver refused, or a stream is in a state that cannot be captured
     *         (an ioctl waiting for its acknowledgement); the message names the stream and the module
     */
    StreamsSnapshot capture(String partition) throws CheckpointRefusedException;

    /**
     * Rebuilds the partition's streams on the target node: each stack in the same order, each module and
     * driver found by name and handed its restart message, every queue refilled, every descriptor as it was.
     * Checks everything first (every module installed, every state version readable) and builds nothing if
     * a check fails.
     *
     * @throws IllegalArgumentException naming the stream and module that is missing or whose state version is unknown,
     *         or what else is inconsistent
     */
    void install(String partition, NodeKernel kernel, StreamsSnapshot snapshot);

    /** Drops the partition's streams, after a failed restart. */
    void discard(String partition);
}
