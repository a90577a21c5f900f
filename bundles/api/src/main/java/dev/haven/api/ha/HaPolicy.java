package dev.haven.api.ha;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How one partition fails over (patent US8135985).
 *
 * @param cfiNodes consistency-failover-image nodes, in order of preference: the first failure restarts
 *        the partition on the first healthy one from its latest consistency image
 * @param bfiNodes boot-failover-image nodes: a failure within {@code window} of that recovery boots it there from its boot image
 * @param window the predetermined time: a failure within it of the last recovery climbs the ladder; after it, the ladder starts again
 * @param checkpointEvery how often a consistency image is taken while the partition is active
 * @param keep how many consistency images to keep
 * @param heartbeat how often the partition's heartbeat (its kernel calls) is looked at
 * @param missedBeats how many looks without a kernel call, while it has live processes, make it hung
 * @param enabled whether failures of the partition are acted on
 * @param critical workloads whose processes are critical: one of them crashing or being killed is a failure
 *        of the partition, as is every process ending abnormally
 */
public record HaPolicy(List<String> cfiNodes, List<String> bfiNodes, Duration window, Duration checkpointEvery, int keep,
        Duration heartbeat, int missedBeats, boolean enabled, Set<String> critical) {
    public HaPolicy {
        critical = Set.copyOf(critical);
        cfiNodes = List.copyOf(cfiNodes);
        bfiNodes = List.copyOf(bfiNodes);
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive, not " + window);
        }
        if (checkpointEvery.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("consistency checkpoints at most every 100 ms, not every " + checkpointEvery);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least 1 consistency image, not " + keep);
        }
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.compareTo(Duration.ofMillis(50)) < 0) {
            throw new IllegalArgumentException("look at the heartbeat at most every 50 ms, not every " + heartbeat);
        }
        if (missedBeats < 1) {
            throw new IllegalArgumentException("a hang needs at least 1 missed beat, not " + missedBeats);
        }
    }

    /** A policy with no critical workloads: only node failures, hangs and every process ending abnormally count. */
    public HaPolicy(List<String> cfiNodes, List<String> bfiNodes, Duration window, Duration checkpointEvery, int keep,
            Duration heartbeat, int missedBeats, boolean enabled) {
        this(cfiNodes, bfiNodes, window, checkpointEvery, keep, heartbeat, missedBeats, enabled, Set.of());
    }

    public HaPolicy withEnabled(boolean value) {
        return new HaPolicy(cfiNodes, bfiNodes, window, checkpointEvery, keep, heartbeat, missedBeats, value, critical);
    }
}
