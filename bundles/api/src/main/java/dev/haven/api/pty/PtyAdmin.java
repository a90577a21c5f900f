package dev.haven.api.pty;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's view of ptys. */
@ProviderType
public interface PtyAdmin {

    /** The partition's ptys by number (empty when it has none). */
    List<PtyInfo> ptys(String partition);

}
