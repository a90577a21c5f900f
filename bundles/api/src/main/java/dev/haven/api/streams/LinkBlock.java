package dev.haven.api.streams;

/**
 * The {@code linkblk} of an I_LINK or I_UNLINK M_IOCTL, found at {@link IocBlock#link()} (queues cannot
 * travel as bytes in the ioctl's data).
 *
 * @param top {@code l_qtop}: the driver's upper write queue
 * @param bottom {@code l_qbot}: the lower stream's write queue, now with the driver's multiplexor procedures
 * @param muxId {@code l_index}
 */
public record LinkBlock(Queue top, Queue bottom, int muxId) {
}
