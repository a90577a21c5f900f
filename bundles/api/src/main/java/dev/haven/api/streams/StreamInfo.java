package dev.haven.api.streams;

import java.util.List;

/**
 * One stream as {@code streams:list} shows it.
 *
 * @param partition its partition
 * @param id its virtual stream id in the partition
 * @param realId its stream id in the node kernel
 * @param descriptors the partition's descriptors that refer to it
 * @param driver the driver's name ({@code pipe} for a pipe end)
 * @param modules the pushed modules, top to bottom
 * @param queues its queues from the stream head down: head read, head write, then each module's and the driver's pair
 * @param flags stream states such as HANGUP, ERROR, LINKED, FROZEN
 * @param peer the other end's id for a pipe, or -1
 */
public record StreamInfo(String partition, int id, int realId, List<Integer> descriptors, String driver, List<String> modules,
        List<QueueInfo> queues, List<String> flags, int peer) {
    public StreamInfo {
        descriptors = List.copyOf(descriptors);
        modules = List.copyOf(modules);
        queues = List.copyOf(queues);
        flags = List.copyOf(flags);
    }

    /**
     * One queue.
     *
     * @param owner "head", a module's name or the driver's
     * @param readSide read (upstream) or write queue
     * @param messages messages queued
     * @param bytes bytes counted for flow control
     * @param hiwat high water mark
     * @param lowat low water mark
     * @param flags QFULL, QENAB, QWANTR, QWANTW, QNOENB, and per band "QB_FULL(band)"
     */
    public record QueueInfo(String owner, boolean readSide, int messages, int bytes, int hiwat, int lowat, List<String> flags) {
        public QueueInfo {
            flags = List.copyOf(flags);
        }
    }
}
