package dev.haven.accounting;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import dev.haven.api.accounting.Resource;

/**
 * The raw use of one partition in this runtime: what its ended processes and its partition-level events
 * (checkpoints, restarts, failovers) added, plus what its live processes used so far. Engines take differences
 * of it at each tick ({@link #tick}), so a process's use reaches the totals while it runs, not only when it ends.
 */
final class Account {
    final String partition;
    /** Whether any enabled engine records this partition: the meters' one check on the hot path. */
    volatile boolean metering;
    private final Set<ProcessMeterImpl> live = ConcurrentHashMap.newKeySet();
    /** Guarded by this. */
    private final Tally ended = new Tally();
    /** The raw use at the last tick. Guarded by this. */
    private Tally last;
    private Instant lastAt;

    Account(String partition, Instant now) {
        this.partition = partition;
        this.last = new Tally();
        this.lastAt = now;
    }

    void started(ProcessMeterImpl meter) {
        live.add(meter);
    }

    synchronized void ended(ProcessMeterImpl meter, Tally use) {
        if (live.remove(meter)) {
            ended.addAll(use);
        }
    }

    /** A partition-level event; counted only while the partition is metered. */
    synchronized void event(Resource resource, long amount) {
        if (metering) {
            ended.add(resource, amount);
        }
    }

    synchronized boolean idle() {
        return live.isEmpty();
    }

    private Tally raw(long[] levels) {
        Tally raw = ended.copy();
        for (ProcessMeterImpl meter : live) {
            raw.addAll(meter.sample());
        }
        for (Resource resource : Resource.values()) {
            if (resource.gauge()) {
                raw.amounts[resource.ordinal()] = levels[resource.ordinal()];
            }
        }
        return raw;
    }

    /** The interval that ends now: what was used since the last tick, and when that was. */
    record Interval(Instant from, Instant to, Tally used) {
    }

    /** Gauges are sampled before the account is locked: they take their subsystems' locks. */
    Interval tick(Instant now, ToLongFunction<Resource> gauges) {
        long[] levels = new long[Resource.values().length];
        for (Resource resource : Resource.values()) {
            if (resource.gauge()) {
                levels[resource.ordinal()] = gauges.applyAsLong(resource);
            }
        }
        return tick(now, levels);
    }

    private synchronized Interval tick(Instant now, long[] levels) {
        Tally current = raw(levels);
        Interval interval = new Interval(lastAt, now, current.since(last));
        last = current;
        lastAt = now;
        return interval;
    }
}
