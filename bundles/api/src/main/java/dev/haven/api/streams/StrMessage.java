package dev.haven.api.streams;

/**
 * What getmsg/getpmsg return: the control and data parts (null when the message had no such part, as
 * {@code len == -1} in C), the band and flags of the message, and whether more of either part is left
 * on the stream head ({@code MORECTL}, {@code MOREDATA}).
 */
public record StrMessage(byte[] control, byte[] data, int band, int flags, int more) {
}
