package dev.haven.api.partition;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.haven.api.kernel.Credentials;

/**
 * A snapshot of one process, as {@code partition:ps} shows it.
 *
 * @param vpid virtual pid, unique within the partition and stable across restarts
 * @param workload the workload's name
 * @param args its arguments
 * @param credentials its uid and gid
 * @param status where it is in its life
 * @param exitStatus the exit status once it has {@code EXITED}
 * @param error the error a {@code CRASHED} process died of
 * @param started when it was first spawned (kept across restarts)
 * @param state its saved state, rendered as text per key (bytes as their length)
 */
public record ProcessInfo(int vpid, String workload, List<String> args, Credentials credentials, ProcessStatus status,
        Optional<Integer> exitStatus, Optional<String> error, Instant started, Map<String, String> state) {
    public ProcessInfo {
        Objects.requireNonNull(workload, "workload");
        args = List.copyOf(args);
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(exitStatus, "exitStatus");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(started, "started");
        state = Map.copyOf(state);
    }
}
