package dev.haven.ipc;

/**
 * Shared memory whose bytes a live migration copies in rounds: a System V segment or a POSIX object.
 * Both methods are called with the object's lock held.
 */
interface SharedBytes {
    byte[] content();

    /** The pages written since a round last copied them, or null while no migration tracks them. */
    DirtyPages dirty();

    void dirty(DirtyPages pages);

    /** Called by every write, after the bytes changed. */
    default void written(long offset, long length) {
        DirtyPages pages = dirty();
        if (pages != null) {
            pages.mark(offset, length);
        }
    }
}
