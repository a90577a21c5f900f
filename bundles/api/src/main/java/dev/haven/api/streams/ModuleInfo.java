package dev.haven.api.streams;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A module's or driver's {@code module_info}: its id and name, the packet sizes its write side accepts
 * and the water marks its queues start with.
 *
 * @param id {@code mi_idnum}
 * @param name {@code mi_idname}: what I_PUSH and {@code open} name it by, {@code [a-z][a-z0-9_-]{0,14}} (FMNAMESZ is 8 in SVR4, 16 here)
 * @param minPacket {@code mi_minpsz}
 * @param maxPacket {@code mi_maxpsz}, or {@link #INFPSZ}
 * @param hiwat {@code mi_hiwat}: bytes queued before the queue is full
 * @param lowat {@code mi_lowat}: bytes queued below which a full queue's writers are back-enabled
 */
public record ModuleInfo(int id, String name, int minPacket, int maxPacket, int hiwat, int lowat) {
    /** No packet size limit. */
    public static final int INFPSZ = -1;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,14}");

    public ModuleInfo {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("module name '" + name + "' must match [a-z][a-z0-9_-]{0,14}");
        }
        if (minPacket < 0 || (maxPacket != INFPSZ && maxPacket < minPacket)) {
            throw new IllegalArgumentException(name + ": packet sizes must satisfy 0 <= min <= max (or max INFPSZ): "
                    + minPacket + ", " + maxPacket);
        }
        if (lowat < 0 || hiwat < lowat) {
            throw new IllegalArgumentException(name + ": water marks must satisfy 0 <= lowat <= hiwat: " + lowat + ", " + hiwat);
        }
    }
}
