package dev.haven.firmware.cluster;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.io.IOException;
import java.io.StringReader;

/**
 * The owner record of a partition, the data of {@code /owners/<partition>}: which node holds it, under which
 * epoch, in which state, and which nodes already failed to restart it. Changed only by compare-and-set on the
 * znode's version, so two writers never both win.
 */
record Owner(String node, long epoch, State state, Set<String> tried, Optional<String> reason) {

    enum State {
        /** The node runs it (or its session is gone and the leader has not acted yet). */
        RUNNING,
        /** The leader handed a restart to the node; {@code /assignments/<node>/<partition>} says so. */
        ASSIGNED,
        /** Stopped on purpose; nobody restarts it. */
        RELEASED,
        /** Its instance is gone while its owner lives on (fenced, or the node rebooted): the leader restarts it. */
        LOST,
        /** Every live node failed to restart it; left alone until someone starts it by hand. */
        BROKEN
    }

    Owner {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        tried = Set.copyOf(tried);
        Objects.requireNonNull(reason, "reason");
    }

    static Owner running(String node, long epoch) {
        return new Owner(node, epoch, State.RUNNING, Set.of(), Optional.empty());
    }

    Owner with(State next, Optional<String> why) {
        return new Owner(node, epoch, next, tried, why);
    }

    /** Handed to another node under the next epoch. */
    Owner assignedTo(String target) {
        return new Owner(target, epoch + 1, State.ASSIGNED, tried, reason);
    }

    /** The restart on its owner failed: that node is not tried again for this failure. */
    Owner failedOn(String why) {
        Set<String> more = new LinkedHashSet<>(tried);
        more.add(node);
        return new Owner(node, epoch, State.LOST, more, Optional.of(why));
    }

    /** Whether the leader must restart it, given the live members. */
    boolean orphaned(Set<String> members) {
        return state == State.LOST || (state == State.RUNNING || state == State.ASSIGNED) && !members.contains(node);
    }

    byte[] bytes() {
        StringBuilder out = new StringBuilder();
        out.append("node=").append(node).append('\n');
        out.append("epoch=").append(epoch).append('\n');
        out.append("state=").append(state).append('\n');
        out.append("tried=").append(String.join(",", tried)).append('\n');
        reason.ifPresent(why -> out.append("reason=").append(why.replace('\n', ' ')).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Owner parse(String path, byte[] data) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8)));
            String node = properties.getProperty("node");
            if (node == null || node.isBlank()) {
                throw new IllegalStateException("owner record " + path + " names no node");
            }
            String tried = properties.getProperty("tried", "");
            return new Owner(node, Long.parseLong(properties.getProperty("epoch", "")),
                    State.valueOf(properties.getProperty("state", "")),
                    tried.isBlank() ? Set.of() : new LinkedHashSet<>(List.of(tried.split(","))),
                    Optional.ofNullable(properties.getProperty("reason")));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("owner record " + path + " is unreadable: " + e.getMessage(), e);
        }
    }
}
