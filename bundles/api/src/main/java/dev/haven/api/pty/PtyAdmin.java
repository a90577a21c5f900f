package dev.haven.api.pty;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's view of ptys, and the operator's side of a partition's console. */
@ProviderType
public interface PtyAdmin {

    /** The partition's ptys by number (empty when it has none). */
    List<PtyInfo> ptys(String partition);


    /**
     * Types at the partition's console, as the operator's terminal would.
     *
     * @throws IllegalArgumentException if the partition has no console
     * @throws IllegalStateException while the partition is being checkpointed (type again after it)
     */
    void consoleWrite(String partition, byte[] keys);

    /** Takes what the console showed since the last call (empty when nothing); IllegalArgumentException if there is no console. */
    byte[] consoleRead(String partition);

    /** The pty number of the partition's console, or -1. */
    int console(String partition);
}
