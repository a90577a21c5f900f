package dev.haven.api.ipc;

/**
 * What {@code fstat} tells of a POSIX message queue or shared memory object. Times are seconds since the epoch.
 *
 * @param mode permission bits
 * @param uid owner
 * @param gid group
 * @param size bytes: the object's length (shm) or the bytes queued (mq)
 * @param ctime when it was created
 * @param mtime when its content last changed (send, receive, truncate)
 */
public record PosixStat(int mode, int uid, int gid, long size, long ctime, long mtime) {
}
