package dev.haven.api.partition;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register a service of this type to hear of partition state changes and process ends
 * (the HA manager and the accounting engine do). Calls come on the thread that made the change,
 * in order per partition; a listener must return quickly and must not call back into the partition
 * manager for the same partition while it is being called.
 */
@ConsumerType
public interface PartitionListener {

    void partitionChanged(PartitionEvent event);

    /** A process of {@code partition} ended; {@code process} shows how. */
    default void processEnded(String partition, ProcessInfo process) {
    }
}
