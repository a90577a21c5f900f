package dev.haven.api.streams;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One instance of a module (per push) or driver (per open): its put and service procedures for both
 * queues of its pair, its open and close, and its part in a checkpoint. Private state lives in the
 * instance (or in {@link Queue#ptr()}). The defaults are those of a module that passes everything on:
 * put passes a message on if it can and queues it otherwise, service drains the queue as far as flow
 * control lets it, M_FLUSH is handled as SVR4 modules handle it.
 */
@ConsumerType
public interface StreamHandler {

    /** The open procedure, after the queue pair is in place ({@code qprocson}); {@code read} is the read queue. */
    default void open(Queue read, OpenInfo info) {
    }

    /** The close procedure, before the pair is taken out (I_POP, the last close of the stream). */
    default void close(Queue read) {
    }

    /** Whether the queue on this side has a service procedure; flow control looks for the nearest one that has. */
    default boolean hasService(boolean readSide) {
        return true;
    }

    /** The put procedure of either queue ({@link Queue#readSide()} tells which). */
    default void put(Queue q, MessageBlock message) {
        if (message.type() == MessageType.M_FLUSH) {
            q.handleFlush(message);
        } else if (message.type().highPriority() || (q.messages() == 0 && q.bcanputnext(message.band()))) {
            q.putnext(message);
        } else {
            q.putq(message);
        }
    }

    /** The service procedure of either queue. */
    default void service(Queue q) {
        MessageBlock message;
        while ((message = q.getq()) != null) {
            if (message.type().highPriority() || q.bcanputnext(message.band())) {
                q.putnext(message);
            } else {
                q.putbq(message);
                return;
            }
        }
    }

    /**
     * The checkpoint message visits this instance with its stream frozen: write the private state that
     * {@link #restore} needs to carry on exactly where it stood. Queued messages are recorded by the
     * framework, not here.
     *
     * @throws CheckpointRefusedException if this state cannot be checkpointed; the reason is shown
     */
    default void checkpoint(DataOutput state) throws IOException, CheckpointRefusedException {
    }

    /**
     * The restart message: after the stack is rebuilt (open is not called again), the state written by
     * {@link #checkpoint} in {@code version} of this module's state format; {@code read} is the instance's
     * read queue, as in open.
     */
    default void restore(Queue read, int version, DataInput state) throws IOException {
    }
}
