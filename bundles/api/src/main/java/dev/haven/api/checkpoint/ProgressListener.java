package dev.haven.api.checkpoint;

import org.osgi.annotation.versioning.ConsumerType;

/** Hears how far a long operation has come, so a shell can show progress. */
@ConsumerType
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = (phase, done, total) -> {
    };

    /**
     * @param phase what is being done, e.g. "write ipc" or "read processes"
     * @param done bytes done so far in the whole operation
     * @param total bytes expected in the whole operation, or -1 when unknown
     */
    void progress(String phase, long done, long total);
}
