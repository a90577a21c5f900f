package dev.haven.api.firmware;

/**
 * The real id spaces of a node kernel. Each node allocates in each space independently of every
 * other node, so an object restored on another node gets a different real id: that is why partitions
 * see virtual ids.
 */
public enum IdSpace {
    /** Process ids. */
    PID,
    /** System V shared memory ids ({@code shmid}). */
    SHM,
    /** System V semaphore set ids ({@code semid}). */
    SEM,
    /** System V message queue ids ({@code msqid}). */
    MSG,
    /** POSIX named objects (semaphores, message queues, shared memory). */
    POSIX,
    /** Pseudo-terminal numbers. */
    PTY,
    /** STREAMS stream ids. */
    STREAM
}
