package dev.haven.api.accounting;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What accounting measures. Each resource has a stable name (used on the command line, in the accounting
 * files and in reports) and a unit. Counters only grow; a {@link #gauge()} is a level sampled at the end of
 * each interval (its "total" is its latest sample). STREAMS and pty resources are reported by those
 * subsystems through {@link dev.haven.api.kernel.SystemCalls#usage}; until they exist they stay 0.
 */
public enum Resource {
    /** CPU time of the partition's process threads, in nanoseconds. */
    CPU("cpu", "ns", false),
    /** Elapsed time of processes from start to end, in nanoseconds. */
    WALL("wall", "ns", false),
    /** Kernel calls, all kinds; the count per kind is kept beside it. */
    KERNEL_CALLS("syscalls", "calls", false),
    /** System V message bytes received (msgrcv). */
    IPC_BYTES_IN("ipc.bytes.in", "bytes", false),
    /** System V message bytes sent (msgsnd). */
    IPC_BYTES_OUT("ipc.bytes.out", "bytes", false),
    /** System V messages received. */
    IPC_MSGS_IN("ipc.msgs.in", "msgs", false),
    /** System V messages sent. */
    IPC_MSGS_OUT("ipc.msgs.out", "msgs", false),
    /** Bytes of System V shared memory segments the partition holds. */
    SHM_RESIDENT("shm.resident", "bytes", true),
    /** Bytes read from ptys. */
    PTY_BYTES_IN("pty.bytes.in", "bytes", false),
    /** Bytes written to ptys. */
    PTY_BYTES_OUT("pty.bytes.out", "bytes", false),
    /** Pty reads that returned data. */
    PTY_MSGS_IN("pty.msgs.in", "msgs", false),
    /** Pty writes. */
    PTY_MSGS_OUT("pty.msgs.out", "msgs", false),
    /** Bytes taken from STREAMS stream heads (getmsg/read). */
    STREAMS_BYTES_IN("streams.bytes.in", "bytes", false),
    /** Bytes given to STREAMS stream heads (putmsg/write). */
    STREAMS_BYTES_OUT("streams.bytes.out", "bytes", false),
    /** STREAMS messages taken. */
    STREAMS_MSGS_IN("streams.msgs.in", "msgs", false),
    /** STREAMS messages given. */
    STREAMS_MSGS_OUT("streams.msgs.out", "msgs", false),
    /** Committed checkpoints (migrations included). */
    CHECKPOINTS("checkpoints", "count", false),
    /** Time the partition was frozen by its checkpoints, in nanoseconds. */
    FREEZE_TIME("freeze", "ns", false),
    /** Bytes of the images its checkpoints wrote. */
    IMAGE_BYTES("image.bytes", "bytes", false),
    /** Restarts from an image (migrations and failovers included). */
    RESTARTS("restarts", "count", false),
    /** Restarts by the HA manager after a failure. */
    FAILOVERS("failovers", "count", false);

    private static final Resource[] ALL = values();

    private final String key;
    private final String unit;
    private final boolean gauge;

    Resource(String key, String unit, boolean gauge) {
        this.key = key;
        this.unit = unit;
        this.gauge = gauge;
    }

    /** The stable name, e.g. {@code ipc.bytes.in}. */
    public String key() {
        return key;
    }

    public String unit() {
        return unit;
    }

    /** A level sampled at each interval's end rather than a counter that grows. */
    public boolean gauge() {
        return gauge;
    }

    /** The resource of that name, or null. */
    public static Resource byKey(String key) {
        for (Resource resource : ALL) {
            if (resource.key.equals(key)) {
                return resource;
            }
        }
        return null;
    }

    /**
     * Parses a selection: comma-separated names, group names ({@code ipc}, {@code pty}, {@code streams},
     * {@code shm}, {@code checkpoint} for checkpoints, freeze and image bytes, {@code mobility} for restarts
     * and failovers) or {@code all}.
     *
     * @throws IllegalArgumentException naming the first unknown name, or for an empty selection
     */
    public static Set<Resource> parse(String selection) {
        Set<Resource> selected = EnumSet.noneOf(Resource.class);
        for (String raw : selection.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            Set<Resource> group = switch (name) {
                case "all" -> EnumSet.allOf(Resource.class);
                case "checkpoint" -> EnumSet.of(CHECKPOINTS, FREEZE_TIME, IMAGE_BYTES);
                case "mobility" -> EnumSet.of(RESTARTS, FAILOVERS);
                default -> {
                    Set<Resource> prefixed = EnumSet.noneOf(Resource.class);
                    for (Resource resource : ALL) {
                        if (resource.key.equals(name) || resource.key.startsWith(name + ".")) {
                            prefixed.add(resource);
                        }
                    }
                    yield prefixed;
                }
            };
            if (group.isEmpty()) {
                throw new IllegalArgumentException("unknown resource '" + raw.trim() + "'; known: all, checkpoint, mobility, ipc, pty, streams, "
                        + String.join(", ", java.util.Arrays.stream(ALL).map(Resource::key).toList()));
            }
            selected.addAll(group);
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no resource selected in '" + selection + "'");
        }
        return selected;
    }
}
