package dev.haven.api.streams;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a STREAMS driver that {@link Streams#open} finds by its {@link ModuleInfo#name()}. Every
 * open makes a new stream with a new instance of the driver (clone open).
 */
@ConsumerType
public interface StreamDriver extends StreamComponent {

    /**
     * For a multiplexing driver, the procedures of its lower queue pairs (streamtab's {@code st_muxrinit}
     * and {@code st_muxwinit}): I_LINK puts them on the linked stream's head pair and sends the driver an
     * M_IOCTL I_LINK whose {@link LinkBlock} names both; the driver then sets the lower queues'
     * {@link Queue#ptr()} to find itself.
     */
    default Optional<StreamHandler> multiplexor() {
        return Optional.empty();
    }
}
