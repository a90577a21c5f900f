package dev.haven.pty;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every partition's pty table, shared by the drivers, the modules, the system calls and the restorer. A
 * restart builds a table apart ({@link #restoring}) while the STREAMS checkpointer rebuilds the streams, and
 * the pty section makes it the partition's ({@link #promote}) once every pair is checked.
 */
final class Ptys {
    private final Map<String, PtyTable> tables = new ConcurrentHashMap<>();
    private final Map<String, PtyTable> restoring = new ConcurrentHashMap<>();

    /** The partition's table for a driver procedure (which knows no node): made if absent. */
    PtyTable table(String partition) {
        return tables.computeIfAbsent(partition, name -> new PtyTable(name, null));
    }

    /** The partition's table for a system call on {@code node}; a table of the partition's instance on another node is replaced. */
    PtyTable table(String partition, String node) {
        return tables.compute(partition, (name, existing) -> {
            if (existing == null || (existing.node != null && !existing.node.equals(node))) {
                return new PtyTable(name, node);
            }
            existing.node = node;
            return existing;
        });
    }

    Optional<PtyTable> existing(String partition) {
        return Optional.ofNullable(tables.get(partition));
    }

    /** The table a restart is building for the partition: restored drivers attach their ends to it. */
    PtyTable restoring(String partition) {
        return restoring.computeIfAbsent(partition, name -> new PtyTable(name, null));
    }

    /** Takes the table a restart built (an empty one when the image had no pty streams). */
    PtyTable takeRestoring(String partition) {
        PtyTable table = restoring.remove(partition);
        return table == null ? new PtyTable(partition, null) : table;
    }

    void promote(PtyTable table, String node) {
        table.node = node;
        tables.put(table.partition, table);
    }

    /** Drops a restart's half-built table, and the partition's table if it runs on {@code node}. */
    void discard(String partition, String node) {
        restoring.remove(partition);
        tables.computeIfPresent(partition, (name, table) -> table.node == null || table.node.equals(node) ? null : table);
    }
}
