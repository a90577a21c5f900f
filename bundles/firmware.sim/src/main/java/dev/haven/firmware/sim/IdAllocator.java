package dev.haven.firmware.sim;

/**
 * The allocator of one real id space of one node boot. Not thread-safe: its {@link SimNodeKernel}
 * serializes calls, and checks {@link #capacity()} before {@link #allocate()} so it can name the node
 * and space in the error.
 */
sealed interface IdAllocator permits IpcIdAllocator, PidAllocator, LowestFreeAllocator {

    /** A fresh id; only called while fewer than {@link #capacity()} ids are allocated. */
    int allocate();

    /** Returns an id; an id not allocated now is ignored. */
    void release(int id);

    int allocated();

    int capacity();
}
