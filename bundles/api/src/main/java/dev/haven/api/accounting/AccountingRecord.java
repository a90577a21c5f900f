package dev.haven.api.accounting;

import java.time.Instant;

/**
 * One accounting record as an engine writes it into its buffer and the accounting files hold it
 * (format: docs/ACCOUNTING-FORMAT.md).
 */
public sealed interface AccountingRecord permits ProcessRecord, IntervalRecord, SummaryRecord {

    /** The engine that recorded it: {@link #GLOBAL} or a partition's name. */
    String engine();

    /** When it was recorded. */
    Instant at();

    /** The global engine's name in records; '@' keeps it apart from every partition name. */
    String GLOBAL = "@global";

    /** The scope of the node's own use (not caused by any partition) in the global engine's records. */
    String NODE = "@node";
}
