package dev.haven.api.streams;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A partition's streams as the checkpoint message found them (US7950019): every stream with its driver
 * and modules in order, each one's private state, every queued message with its band in every queue,
 * water marks and flags, and the descriptor table. The STREAMS checkpointer writes it into the image
 * and gives it back to the framework on restart.
 *
 * @param descriptors virtual descriptor to virtual stream id
 * @param streams every stream, by ascending id
 */
public record StreamsSnapshot(Map<Integer, Integer> descriptors, List<StreamImage> streams) {
    public StreamsSnapshot {
        descriptors = Map.copyOf(descriptors);
        streams = List.copyOf(streams);
    }

    /**
     * One stream.
     *
     * @param id its virtual id
     * @param driver the driver, with its state
     * @param modules the modules top to bottom, each with its state
     * @param peer the other end of a pipe, or -1
     * @param linkedUnder the stream it is linked under (I_LINK), or -1
     * @param muxId its mux id there, or -1
     * @param head the stream head's own settings
     * @param queues every queue from the head down: head read, head write, then each module's and the driver's read and write
     */
    public record StreamImage(int id, PartImage driver, List<PartImage> modules, int peer, int linkedUnder, int muxId,
            HeadImage head, List<QueueImage> queues) {
        public StreamImage {
            Objects.requireNonNull(driver, "driver");
            modules = List.copyOf(modules);
            Objects.requireNonNull(head, "head");
            queues = List.copyOf(queues);
        }
    }

    /**
     * A module or driver instance: its name (how it is found again on restart), the version of its state
     * format and the state it wrote into the checkpoint message.
     */
    public record PartImage(String name, int stateVersion, byte[] state) {
        public PartImage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * The stream head's settings.
     *
     * @param readOptions I_SRDOPT mode
     * @param flags head flags (bit set of the framework's STR* flags: hangup, read error, write error, non-blocking...)
     * @param readError errno number of an M_ERROR for reads, 0 for none
     * @param writeError errno number for writes, 0 for none
     * @param minPacket the write side's minimum packet size set by M_SETOPTS, or -2 when the top queue's applies
     * @param maxPacket the write side's maximum packet size set by M_SETOPTS, or -2 when the top queue's applies
     * @param signals I_SETSIG registrations: pid to events
     * @param pendingSignals events that occurred and were not taken yet: pid to events
     */
    public record HeadImage(int readOptions, int flags, int readError, int writeError, int minPacket, int maxPacket,
            Map<Integer, Integer> signals, Map<Integer, Integer> pendingSignals) {
        public HeadImage {
            signals = Map.copyOf(signals);
            pendingSignals = Map.copyOf(pendingSignals);
        }
    }

    /**
     * One queue.
     *
     * @param readSide which queue of its pair
     * @param hiwat its high water mark
     * @param lowat its low water mark
     * @param flags its QFULL/QENAB/QWANTR/QWANTW/QNOENB bits, as the framework numbers them
     * @param bands its bands: band number to {hiwat, lowat, flags}
     * @param messages its messages in order, each a chain of blocks
     */
    public record QueueImage(boolean readSide, int hiwat, int lowat, int flags, Map<Integer, int[]> bands,
            List<MessageBlock> messages) {
        public QueueImage {
            bands = Map.copyOf(bands);
            messages = List.copyOf(messages);
        }
    }
}
