package dev.haven.api.accounting;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a subsystem that holds a level of a {@link Resource#gauge() gauge} resource per partition
 * (shared memory resident) registers one; the engines sample it at each interval's end.
 */
@ConsumerType
public interface ResourceGauge {

    Resource resource();

    /** The partition's current level; 0 when the subsystem holds nothing for it. */
    long sample(String partition);
}
