package dev.haven.api.streams;

import java.util.Objects;

/**
 * An I_STR ioctl ({@code strioctl}): the command for the modules or driver, how long to wait for its
 * acknowledgement (ms; 0 for the default 15 s, -1 for ever), and its data. As returned, {@code data}
 * holds what the acknowledgement carried back and {@code rval} its return value.
 */
public record StrIoctl(int cmd, int timeout, byte[] data, int rval) {
    public StrIoctl {
        Objects.requireNonNull(data, "data");
    }

    public StrIoctl(int cmd, byte[] data) {
        this(cmd, 0, data, 0);
    }
}
