package dev.haven.api.firmware;

import org.osgi.annotation.versioning.ProviderType;

/** Fault injection, offered by drivers that can simulate failures. */
@ProviderType
public interface FaultInjector {

    /**
     * Crashes a node: every lease on it ends, its kernel state is discarded, and listeners hear
     * {@code PARTITION_DIED} for each hosted partition, then {@code NODE_DOWN}.
     *
     * @throws FirmwareException UNKNOWN_NODE, NODE_DOWN (already down)
     */
    void crash(String node);

    /**
     * Boots a crashed node again with an empty kernel.
     *
     * @throws FirmwareException UNKNOWN_NODE, NODE_UP (not down)
     */
    void revive(String node);
}
