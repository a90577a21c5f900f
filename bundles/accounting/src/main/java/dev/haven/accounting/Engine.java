package dev.haven.accounting;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.haven.api.accounting.AccountingRecord;
import dev.haven.api.accounting.EngineStatus;
import dev.haven.api.accounting.IntervalRecord;
import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.SummaryRecord;
import dev.haven.api.accounting.Usage;

/**
 * One accounting engine (the global one or a partition's): whether it records, what it records, its accumulated
 * totals by scope, and its bounded buffer of records waiting for the file writer. A full buffer drops the record
 * and counts it: memory stays bounded when the writer falls behind or no file is free.
 */
final class Engine {
    final String name;
    private volatile boolean enabled;
    private volatile Set<Resource> resources = EnumSet.allOf(Resource.class);
    /** Guarded by the accounting engine's monitor. */
    private final Map<String, Usage> totals = new TreeMap<>();
    private final ArrayBlockingQueue<AccountingRecord> buffer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    Engine(String name, int capacity) {
        this.name = name;
        this.buffer = new ArrayBlockingQueue<>(capacity);
    }

    boolean enabled() {
        return enabled;
    }

    Set<Resource> resources() {
        return resources;
    }

    void set(boolean on, Set<Resource> selected) {
        resources = Collections.unmodifiableSet(EnumSet.copyOf(selected));
        enabled = on;
    }

    /** Adds an interval's use of one scope to the totals and records it (when anything was used). */
    void record(String scope, Account.Interval interval, Usage used) {
        Usage kept = used.only(resources);
        Usage total = totals.getOrDefault(scope, Usage.NONE).then(kept);
        totals.put(scope, total);
        if (!kept.isEmpty()) {
            offer(new IntervalRecord(name, scope, interval.from(), interval.to(), kept));
            offer(new SummaryRecord(name, scope, interval.to(), total));
        }
    }

    void offer(AccountingRecord record) {
        if (!buffer.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    Map<String, Usage> totals() {
        return Map.copyOf(totals);
    }

    Usage totals(String scope) {
        return totals.getOrDefault(scope, Usage.NONE);
    }

    void totals(String scope, Usage usage) {
        totals.put(scope, usage);
    }

    /** The oldest buffered record, left in the buffer until {@link #written()} says it is in a file. */
    AccountingRecord peek() {
        return buffer.peek();
    }

    void written() {
        buffer.poll();
        written.incrementAndGet();
    }

    EngineStatus status() {
        return new EngineStatus(name, enabled, resources, buffer.size(), written.get(), dropped.get());
    }
}
