package dev.haven.api.streams;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a STREAMS module that I_PUSH finds by its {@link ModuleInfo#name()}. A module is a bundle:
 * install it and start it at run time, and streams can push it at once.
 */
@ConsumerType
public interface StreamModule extends StreamComponent {
}
