package dev.haven.kernel;

import java.util.regex.Pattern;

import dev.haven.api.partition.PartitionException;
import dev.haven.api.partition.PartitionException.Reason;

/** The naming rule for partitions, as {@code mkwpar} restricts WPAR names. */
final class Names {
    private static final Pattern PARTITION = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    private Names() {
    }

    static String checkPartition(String name) {
        if (name == null || !PARTITION.matcher(name).matches()) {
            throw new PartitionException(Reason.INVALID_NAME, "invalid partition name '" + name
                    + "': use 1 to 31 characters, a lowercase letter first, then lowercase letters, digits or '-'");
        }
        return name;
    }
}
