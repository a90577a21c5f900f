package dev.haven.api.streams;

import org.osgi.annotation.versioning.ConsumerType;

/** What modules and drivers have in common: their module_info, their state format, and a new instance per open or push. */
@ConsumerType
public interface StreamComponent {

    /** The {@code module_info}; its name is how workloads name it. */
    ModuleInfo info();

    /** One line for {@code streams:modules}. */
    default String description() {
        return "";
    }

    /** The version of the state format {@link StreamHandler#checkpoint} writes. */
    default int stateVersion() {
        return 1;
    }

    /** Whether {@link StreamHandler#restore} reads state written in {@code version}. */
    default boolean canRestore(int version) {
        return version >= 1 && version <= stateVersion();
    }

    /** A new instance for one push or one open. */
    StreamHandler create();
}
