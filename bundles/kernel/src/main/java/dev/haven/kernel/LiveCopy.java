package dev.haven.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointException;
import dev.haven.api.checkpoint.CheckpointException.Reason;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.LiveReport;
import dev.haven.api.checkpoint.PreCopy;
import dev.haven.api.checkpoint.PreCopyParticipant;
import dev.haven.api.checkpoint.PreCopyRound;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.SectionOutput;

/**
 * The pre-copy of a live migration: every {@link PreCopyParticipant} copies its bulk in rounds while the
 * partition runs, until what the workload dirtied meanwhile is small or stops shrinking. Then either the
 * freeze takes the rest ({@link #owns}, {@link #finish}), or, when the rest would not fit the freeze
 * budget, the copies are let go and the migration is a stop-and-copy, with the reason in the report.
 */
final class LiveCopy implements AutoCloseable {
    /** Dirty bytes small enough to stop at once: a fraction of a millisecond's copy. */
    static final long SMALL = 1L << 20;
    /** A round that leaves more than this share of the previous round's dirty bytes is not shrinking. */
    static final double SHRINKING = 0.8;
    static final int MAX_ROUNDS = 30;
    /** The longest the freeze may spend copying what the rounds left, at the rounds' measured speed. */
    static final Duration FREEZE_BUDGET = Duration.ofMillis(5);
    private static final Path MEMORY = Path.of("/dev/shm");

    private final Map<String, PreCopy> copies;
    /** Where the live image goes, outside the store: it is restartable only while the copies are open. */
    private Path directory;
    private final List<PreCopyRound> rounds = new ArrayList<>();
    private long freezeBytes;
    private Optional<String> fallback = Optional.empty();

    private LiveCopy(Map<String, PreCopy> copies) {
        this.copies = copies;
    }

    /** A migration without pre-copy: every participant is written in the freeze. */
    static LiveCopy none() {
        return new LiveCopy(new LinkedHashMap<>());
    }

    /** Starts tracking writes in every participant that can pre-copy; closes what it started if one fails. */
    static LiveCopy start(CheckpointContext context, List<CheckpointParticipant> participants) {
        Map<String, PreCopy> copies = new LinkedHashMap<>();
        LiveCopy live = new LiveCopy(copies);
        try {
            for (CheckpointParticipant participant : participants) {
                if (participant instanceof PreCopyParticipant bulk) {
                    copies.put(participant.section(), bulk.preCopy(context));
                }
            }
        } catch (IOException | RuntimeException e) {
            live.close();
            throw new CheckpointException(Reason.FAILED, "live migration of '" + context.partition()
                    + "' could not start copying: " + e.getMessage(), e);
        }
        return live;
    }

    /** Runs rounds until the dirty rest is small or stops shrinking; falls back when it is too big for the freeze. */
    void converge(String partition, ProgressListener progress) {
        if (copies.isEmpty()) {
            return;
        }
        long copied = 0;
        long previous = Long.MAX_VALUE;
        try {
            while (true) {
                long begin = System.nanoTime();
                long bytes = 0;
                for (PreCopy copy : copies.values()) {
                    bytes += copy.round();
                }
                Duration time = Duration.ofNanos(System.nanoTime() - begin);
                long dirty = dirty();
                copied += bytes;
                PreCopyRound round = new PreCopyRound(rounds.size() + 1, bytes, time, dirty);
                rounds.add(round);
                progress.progress("pre-copy round " + round.number(), copied, -1);
                if (dirty <= SMALL) {
                    return;
                }
                if (dirty > previous * SHRINKING || rounds.size() == MAX_ROUNDS) {
                    if (fitsFreeze(round)) {
                        return;
                    }
                    fallback = Optional.of("the workload dirties shared memory faster than it can be copied: after "
                            + rounds.size() + " rounds " + mib(dirty) + " were dirty again (round " + round.number()
                            + " copied " + mib(bytes) + " in " + time.toMillis() + " ms); migrated by stop-and-copy");
                    closeCopies();
                    return;
                }
                previous = dirty;
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw new CheckpointException(Reason.FAILED, "live migration of '" + partition + "' failed while copying: "
                    + e.getMessage() + "; it runs where it was", e);
        }
    }

    /** Whether the last round's speed copies the rest within the freeze budget. */
    private static boolean fitsFreeze(PreCopyRound round) {
        if (round.bytes() == 0) {
            return false;
        }
        double nanosPerByte = (double) Math.max(1, round.time().toNanos()) / round.bytes();
        return round.dirtyAfter() * nanosPerByte <= FREEZE_BUDGET.toNanos();
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private long dirty() {
        long dirty = 0;
        for (PreCopy copy : copies.values()) {
            dirty += copy.dirty();
        }
        return dirty;
    }

    /** Whether the freeze writes this section from a pre-copy. */
    boolean owns(String section) {
        return copies.containsKey(section);
    }

    /** Whether the migration is live, not a fallback or a plain stop-and-copy. */
    boolean live() {
        return !copies.isEmpty();
    }

    /** In the freeze: the participant's section from its copy and the last dirty pages. */
    void finish(String section, CheckpointContext context, SectionOutput out) throws IOException {
        freezeBytes += copies.get(section).finish(context, out);
    }

    /** The report of a live migration (one that fell back too); empty for a plain stop-and-copy. */
    Optional<LiveReport> report() {
        return rounds.isEmpty() && fallback.isEmpty() ? Optional.empty()
                : Optional.of(new LiveReport(rounds, freezeBytes, fallback));
    }

    /**
     * A fresh directory for the image of a live migration, deleted with it on {@link #close}; none (the
     * store) for a stop-and-copy, whose image can restart the partition later. The image is a transfer
     * that nothing needs after the switch, so it goes to memory (tmpfs) where the node has it: there the
     * commit's fsyncs, which are in the freeze, cost nothing.
     */
    Optional<Path> directory() {
        if (copies.isEmpty()) {
            return Optional.empty();
        }
        try {
            directory = Files.isDirectory(MEMORY) && Files.isWritable(MEMORY)
                    ? Files.createTempDirectory(MEMORY, "haven-live-") : Files.createTempDirectory("haven-live-");
            return Optional.of(directory);
        } catch (IOException e) {
            close();
            throw new CheckpointException(Reason.FAILED, "live migration: no directory for its image: " + e.getMessage(), e);
        }
    }

    private void closeCopies() {
        RuntimeException first = null;
        for (PreCopy copy : copies.values()) {
            try {
                copy.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        copies.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        try {
            closeCopies();
        } finally {
            if (directory != null) {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                } catch (IOException e) {
                    // a leftover temporary directory holds nothing the next migration could pick up
                }
                directory = null;
            }
        }
    }
}
