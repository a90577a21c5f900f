package dev.haven.api.accounting;

import java.time.Instant;
import java.util.Objects;

import dev.haven.api.partition.ProcessStatus;

/**
 * A process's use over its life, written when it ends.
 *
 * @param engine the engine that recorded it
 * @param partition the process's partition
 * @param node the node it ran on
 * @param pid its virtual pid
 * @param workload its workload
 * @param started when it started (or resumed after a restart)
 * @param ended when it ended
 * @param status how it ended
 * @param usage what it used (the engine's selected resources)
 */
public record ProcessRecord(String engine, String partition, String node, int pid, String workload, Instant started,
        Instant ended, ProcessStatus status, Usage usage) implements AccountingRecord {
    public ProcessRecord {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(ended, "ended");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(usage, "usage");
    }

    @Override
    public Instant at() {
        return ended;
    }

    /** Ended by a checkpoint {@code --stop} or a migration: it goes on from its image. */
    public boolean checkpointed() {
        return status == ProcessStatus.CHECKPOINTED;
    }

    /** Ended by the failure of its node (or the loss of its lease). */
    public boolean nodeFailure() {
        return status == ProcessStatus.LOST;
    }
}
