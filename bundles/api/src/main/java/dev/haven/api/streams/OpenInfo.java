package dev.haven.api.streams;

import java.util.Objects;

import dev.haven.api.kernel.Credentials;

/**
 * What a module's or driver's open procedure is told.
 *
 * @param partition the partition the stream belongs to
 * @param credentials of the process that opens (or pushes)
 * @param stream the stream's virtual id in its partition
 * @param minor the minor device named by {@code open("name/MINOR")}, or -1; always -1 for a module
 */
public record OpenInfo(String partition, Credentials credentials, int stream, int minor) {
    public OpenInfo {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(credentials, "credentials");
    }
}
