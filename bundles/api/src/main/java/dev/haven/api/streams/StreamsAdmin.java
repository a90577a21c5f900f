package dev.haven.api.streams;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's view of STREAMS: every stream of a partition and every registered module and driver. */
@ProviderType
public interface StreamsAdmin {

    /** The partition's streams by virtual id (empty when it has none). */
    List<StreamInfo> streams(String partition);

    /** The registered modules and drivers, drivers first, each by name. */
    List<ComponentInfo> components();
}
