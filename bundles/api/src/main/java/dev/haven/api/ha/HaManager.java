package dev.haven.api.ha;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The HA manager: watches partitions and nodes, takes consistency images, and on a failure climbs the
 * ladder of US8135985 — consistency image on a CFI node, boot image on a BFI node within the window,
 * then broken with an alert instead of flapping. Every step is an event in a persisted log.
 */
@ProviderType
public interface HaManager {

    /**
     * Sets a partition's policy (disabled until {@link #enable}).
     *
     * @throws IllegalArgumentException for an unknown partition or node
     */
    HaPolicy policy(String partition, HaPolicy policy);

    /** Starts acting on failures of the partition; captures its boot image if it has none and is active. */
    void enable(String partition);

    void disable(String partition);

    List<HaStatus> status();

    /** The event log, oldest first, of one partition or of all. */
    List<HaEvent> events(Optional<String> partition);
}
