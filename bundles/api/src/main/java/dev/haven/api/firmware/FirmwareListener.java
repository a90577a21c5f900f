package dev.haven.api.firmware;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: every firmware driver delivers its events to every service of this type, in order,
 * on one thread per driver. For a node failure, {@code PARTITION_DIED} for each hosted partition
 * comes after the leases were invalidated and before {@code NODE_DOWN}.
 */
@ConsumerType
public interface FirmwareListener {

    void firmwareEvent(FirmwareEvent event);
}
