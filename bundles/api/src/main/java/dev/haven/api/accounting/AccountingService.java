package dev.haven.api.accounting;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The accounting engines as operators drive them ({@code acct:} commands). Engines are named by
 * {@link AccountingRecord#GLOBAL} or by a partition's name; a partition's engine exists once it was enabled or
 * once the partition ran a process while accounting was installed.
 */
@ProviderType
public interface AccountingService {

    /**
     * Enables an engine for the selected resources (replacing an earlier selection).
     *
     * @param engine {@link AccountingRecord#GLOBAL} or a partition name
     * @throws IllegalArgumentException for an empty selection or a name that cannot be a partition's
     */
    EngineStatus enable(String engine, Set<Resource> resources);

    /**
     * Disables an engine; what it accumulated stays.
     *
     * @throws IllegalArgumentException if there is no such engine
     */
    EngineStatus disable(String engine);

    /** Every engine, global first. */
    List<EngineStatus> engines();

    /** Sets the interval of interval and summary records. @throws IllegalArgumentException outside 1 s..1 day */
    void interval(Duration interval);

    Duration interval();

    /** Closes the current interval of every engine now and writes every buffered record to the files. */
    void flush();

    /**
     * An engine's accumulated totals by scope: a partition's engine has one scope, itself; the global engine has
     * one per partition it saw and {@link AccountingRecord#NODE}. Closes the current interval first (as {@link #flush}
     * does, without waiting for the files), so the totals include use up to this moment and every engine's totals
     * come from the same sample.
     *
     * @throws IllegalArgumentException if there is no such engine
     */
    Map<String, Usage> totals(String engine);

    /** Records of one engine (or of all, when empty) in the accounting files, at or after {@code since}, oldest first. */
    List<AccountingRecord> records(Optional<String> engine, Instant since);

    /** The accounting data files. */
    List<AccountingFile> files();

    /**
     * Makes a FULL file FREE again once its records have been processed (they are gone from it).
     *
     * @throws IllegalArgumentException if no file has that name or the file is not FULL
     */
    AccountingFile release(String file);
}
