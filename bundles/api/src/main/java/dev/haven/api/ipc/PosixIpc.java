package dev.haven.api.ipc;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * POSIX IPC for one process, obtained with {@code kernel.extension(PosixIpc.class)}: named semaphores, message
 * queues and shared memory objects as Linux and glibc have them ({@code sem_overview(7)}, {@code mq_overview(7)},
 * {@code shm_overview(7)}). Every failure is a {@code KernelException} with the errno Linux would set.
 *
 * <p>Names are {@code /name}: one slash, then 1..{@link Posix#NAME_MAX} characters (semaphores
 * {@link Posix#SEM_NAME_MAX}) without another slash. Each partition has its own names; an unlinked object lives
 * on until its last handle is closed and its last mapping unmapped. Handles are the process's virtual descriptors
 * ({@code sem_t}, {@code mqd_t}, file descriptors: the lowest free number from 3): they survive checkpoint and
 * restart with the process, whatever real object backs them on the new node. Limits come from the partition spec:
 * {@code mqueue.queues_max} (256, {@code ENOSPC}), {@code mqueue.msg_max} (10) and {@code mqueue.msgsize_max}
 * (8192, {@code EINVAL}), {@code mqueue.msg_default} and {@code mqueue.msgsize_default}, {@code posix.nofile}
 * (handles per process, 1024, {@code EMFILE}), {@code posix.files} (handles per partition, 8192, {@code ENFILE}),
 * {@code posix.shm_max} (bytes per object, 64 MiB, {@code EFBIG}) and {@code posix.shm_total} (bytes of all
 * objects, 256 MiB, {@code ENOSPC}). The partition's superuser (uid 0) passes the mqueue limits up to Linux's
 * hard ones, as {@code CAP_SYS_RESOURCE} does.
 */
@ProviderType
public interface PosixIpc {

    /**
     * {@code sem_open}: opens the named semaphore, creating it with {@code O_CREAT} ({@code mode} and
     * {@code value} apply only then). Opening it again in the same process returns the same handle, counted.
     */
    int semOpen(String name, int oflag, int mode, int value);

    /** {@code sem_wait}: decrements, waiting while the value is 0. */
    void semWait(int sem);

    /** {@code sem_trywait}: {@code EAGAIN} instead of waiting. */
    void semTrywait(int sem);

    /** {@code sem_timedwait}: {@code ETIMEDOUT} once the absolute realtime {@code abstime} has passed. */
    void semTimedwait(int sem, Instant abstime);

    /** {@code sem_post}: increments, {@code EOVERFLOW} past {@link Posix#SEM_VALUE_MAX}. */
    void semPost(int sem);

    int semGetvalue(int sem);

    /** {@code sem_close}: drops one open of the handle; the handle goes with the last. */
    void semClose(int sem);

    void semUnlink(String name);

    /**
     * {@code mq_open}: {@code O_RDONLY}, {@code O_WRONLY} or {@code O_RDWR}, with {@code O_CREAT}, {@code O_EXCL},
     * {@code O_NONBLOCK}; {@code attr} (its maxmsg and msgsize) applies when the queue is created, null for the
     * defaults.
     */
    int mqOpen(String name, int oflag, int mode, MqAttr attr);

    /** {@code mq_send}: waits while the queue is full unless the description is {@code O_NONBLOCK} ({@code EAGAIN}). */
    void mqSend(int mqd, byte[] message, int priority);

    /** {@code mq_timedsend}: {@code ETIMEDOUT} once {@code abstime} has passed with the queue still full. */
    void mqTimedsend(int mqd, byte[] message, int priority, Instant abstime);

    /**
     * {@code mq_receive}: the oldest message of the highest priority; {@code msgLen} (the buffer) must be at least
     * the queue's msgsize ({@code EMSGSIZE}).
     */
    MqMessage mqReceive(int mqd, int msgLen);

    MqMessage mqTimedreceive(int mqd, int msgLen, Instant abstime);

    MqAttr mqGetattr(int mqd);

    /** {@code mq_setattr}: sets the description's {@code O_NONBLOCK} from {@code attr.flags()}, returns the old attributes. */
    MqAttr mqSetattr(int mqd, MqAttr attr);

    void mqClose(int mqd);

    void mqUnlink(String name);

    /** {@code shm_open}: {@code O_RDONLY} or {@code O_RDWR}, with {@code O_CREAT}, {@code O_EXCL}, {@code O_TRUNC}. A new object has length 0. */
    int shmOpen(String name, int oflag, int mode);

    /** {@code ftruncate}: sets the object's length; new bytes are zero. */
    void ftruncate(int fd, long length);

    /** {@code fstat} of a message queue or shared memory descriptor. */
    PosixStat fstat(int fd);

    /** {@code mmap(NULL, length, prot, MAP_SHARED, fd, 0)}. */
    MappedMemory mmap(int fd, long length, int prot);

    /** The calling process's mapping at {@code address}: how a restored process takes back a mapping it had. */
    MappedMemory mapping(long address);

    /** {@code close} of a shared memory or message queue descriptor. */
    void close(int fd);

    void shmUnlink(String name);
}
