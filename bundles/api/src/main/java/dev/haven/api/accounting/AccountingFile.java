package dev.haven.api.accounting;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One pre-allocated accounting data file.
 *
 * @param path where it is
 * @param state FREE (ready to take records), ACTIVE (taking them) or FULL (switched away from; kept until released)
 * @param sequence the order in which files became active (0 for a file never used)
 * @param size its pre-allocated size in bytes
 * @param used bytes of records in it
 * @param records records in it
 */
public record AccountingFile(Path path, State state, long sequence, long size, long used, long records) {
    public enum State {
        FREE, ACTIVE, FULL
    }

    public AccountingFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(state, "state");
    }
}
