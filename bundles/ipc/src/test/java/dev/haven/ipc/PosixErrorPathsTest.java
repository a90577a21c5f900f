package dev.haven.ipc;

import static dev.haven.api.ipc.Posix.O_CREAT;
import static dev.haven.api.ipc.Posix.O_EXCL;
import static dev.haven.api.ipc.Posix.O_NONBLOCK;
import static dev.haven.api.ipc.Posix.O_RDONLY;
import static dev.haven.api.ipc.Posix.O_RDWR;
import static dev.haven.api.ipc.Posix.O_TRUNC;
import static dev.haven.api.ipc.Posix.O_WRONLY;
import static dev.haven.api.ipc.Posix.PROT_READ;
import static dev.haven.api.ipc.Posix.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.Posix;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.PosixObjectInfo;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.partition.PartitionSpec;

/**
 * Every POSIX IPC call and its error paths as a table, from the ERRORS sections of sem_open(3), sem_wait(3),
 * sem_post(3), sem_close(3), sem_unlink(3), mq_open(3), mq_send(3), mq_receive(3), mq_getattr(3), mq_close(3),
 * mq_unlink(3), shm_open(3), ftruncate(2), mmap(2) and close(2), and the scenarios of the Linux Test Project's
 * sem_*, mq_* and shm_* tests (open_posix_testsuite and syscalls/ipc). Each row sets up alice's objects (below)
 * in p1, makes one call as the given process, expects Linux's errno, and checks the call changed nothing.
 */
class PosixErrorPathsTest {
    static final Credentials ALICE = PosixIpcTest.ALICE;
    static final Credentials BOB = PosixIpcTest.BOB;
    static final String LONG = "/" + "n".repeat(Posix.NAME_MAX + 1);
    static final String LONG_SEM = "/" + "n".repeat(Posix.SEM_NAME_MAX + 1);

    /**
     * Alice's handles (vpid 1): semaphore /s (value 0, 0600) and /max (at SEM_VALUE_MAX); queue /q (4 messages of
     * at most 64 bytes, 0600, empty) open read-only, write-only and read-only non-blocking; queue /full (1 message,
     * full) open read-write and read-write non-blocking; object /m (4096 bytes, 0600) open read-write and read-only.
     * Nine handles: alice's {@code posix.nofile} rows set it to 9.
     */
    record Fixture(int sem, int semMax, int mqRead, int mqWrite, int mqEmptyNonblock, int mqFull, int mqFullNonblock,
            int shm, int shmRead) {
    }

    @FunctionalInterface
    interface Call {
        void on(PosixIpc ipc, Fixture f);
    }

    /** Who calls: vpid, credentials, partition, the partition spec's limits. */
    record Caller(int vpid, Credentials credentials, String partition, Map<String, Long> limits) {
    }

    static final Caller AS_ALICE = new Caller(1, ALICE, "p1", Map.of());
    static final Caller AS_BOB = new Caller(2, BOB, "p1", Map.of());
    static final Caller IN_P2 = new Caller(1, ALICE, "p2", Map.of());

    static Caller alice(String limit, long value) {
        return new Caller(1, ALICE, "p1", Map.of(limit, value));
    }

    record Row(String scenario, Caller caller, Call call, Errno expected) {
        @Override
        public String toString() {
            return scenario;
        }
    }

    static Arguments row(String scenario, Caller caller, Call call, Errno expected) {
        return Arguments.of(new Row(scenario, caller, call, expected));
    }

    static Instant past() {
        return Instant.now().minusSeconds(1);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // sem_open(3)
                row("sem_open: O_CREAT|O_EXCL of an existing name", AS_ALICE, (p, f) -> p.semOpen("/s", O_CREAT | O_EXCL, 0600, 0), Errno.EEXIST),
                row("sem_open: no such name without O_CREAT", AS_ALICE, (p, f) -> p.semOpen("/none", 0, 0, 0), Errno.ENOENT),
                row("sem_open: name without a leading slash", AS_ALICE, (p, f) -> p.semOpen("s", O_CREAT, 0600, 0), Errno.EINVAL),
                row("sem_open: name '/' alone", AS_ALICE, (p, f) -> p.semOpen("/", O_CREAT, 0600, 0), Errno.EINVAL),
                row("sem_open: name with another slash", AS_ALICE, (p, f) -> p.semOpen("/a/b", O_CREAT, 0600, 0), Errno.EINVAL),
                row("sem_open: name of 252 characters", AS_ALICE, (p, f) -> p.semOpen(LONG_SEM, O_CREAT, 0600, 0), Errno.ENAMETOOLONG),
                row("sem_open: empty name", AS_ALICE, (p, f) -> p.semOpen("", O_CREAT, 0600, 0), Errno.EINVAL),
                row("sem_open: null name", AS_ALICE, (p, f) -> p.semOpen(null, O_CREAT, 0600, 0), Errno.EINVAL),
                row("sem_open: value above SEM_VALUE_MAX", AS_ALICE, (p, f) -> p.semOpen("/new", O_CREAT, 0600, -1), Errno.EINVAL),
                row("sem_open: 0600 semaphore opened by another user", AS_BOB, (p, f) -> p.semOpen("/s", 0, 0, 0), Errno.EACCES),
                row("sem_open: O_CREAT of an existing 0600 one by another user", AS_BOB, (p, f) -> p.semOpen("/s", O_CREAT, 0666, 0), Errno.EACCES),
                row("sem_open: the process's handles at posix.nofile", alice("posix.nofile", 9), (p, f) -> p.semOpen("/new", O_CREAT, 0600, 0), Errno.EMFILE),
                row("sem_open: the process's handles at posix.nofile, even for a name it holds", alice("posix.nofile", 9),
                        (p, f) -> p.semOpen("/s", 0, 0, 0), Errno.EMFILE),
                row("sem_open: the process's handles at posix.nofile before O_EXCL is looked at", alice("posix.nofile", 9),
                        (p, f) -> p.semOpen("/s", O_CREAT | O_EXCL, 0600, 0), Errno.EMFILE),
                row("sem_open: the partition's handles at posix.files", new Caller(2, BOB, "p1", Map.of("posix.files", 9L)),
                        (p, f) -> p.semOpen("/new", O_CREAT, 0600, 0), Errno.ENFILE),
                // sem_wait(3), sem_trywait, sem_timedwait
                row("sem_wait: not a semaphore", AS_ALICE, (p, f) -> p.semWait(99), Errno.EINVAL),
                row("sem_wait: a queue's handle", AS_ALICE, (p, f) -> p.semWait(f.mqRead()), Errno.EINVAL),
                row("sem_trywait: value 0", AS_ALICE, (p, f) -> p.semTrywait(f.sem()), Errno.EAGAIN),
                row("sem_trywait: not a semaphore", AS_ALICE, (p, f) -> p.semTrywait(-1), Errno.EINVAL),
                row("sem_timedwait: value 0 until a past deadline", AS_ALICE, (p, f) -> p.semTimedwait(f.sem(), past()), Errno.ETIMEDOUT),
                row("sem_timedwait: value 0 until a near deadline", AS_ALICE, (p, f) -> p.semTimedwait(f.sem(), Instant.now().plusMillis(30)), Errno.ETIMEDOUT),
                row("sem_timedwait: no timeout", AS_ALICE, (p, f) -> p.semTimedwait(f.sem(), null), Errno.EINVAL),
                row("sem_timedwait: not a semaphore", AS_ALICE, (p, f) -> p.semTimedwait(f.shm(), Instant.now()), Errno.EINVAL),
                // sem_post(3), sem_getvalue(3), sem_close(3)
                row("sem_post: past SEM_VALUE_MAX", AS_ALICE, (p, f) -> p.semPost(f.semMax()), Errno.EOVERFLOW),
                row("sem_post: not a semaphore", AS_ALICE, (p, f) -> p.semPost(42), Errno.EINVAL),
                row("sem_getvalue: not a semaphore", AS_ALICE, (p, f) -> p.semGetvalue(f.mqWrite()), Errno.EINVAL),
                row("sem_close: not a semaphore", AS_ALICE, (p, f) -> p.semClose(f.mqWrite()), Errno.EINVAL),
                row("sem_close: another process's handle", AS_BOB, (p, f) -> p.semClose(f.sem()), Errno.EINVAL),
                // sem_unlink(3)
                row("sem_unlink: no such name", AS_ALICE, (p, f) -> p.semUnlink("/none"), Errno.ENOENT),
                row("sem_unlink: by another user", AS_BOB, (p, f) -> p.semUnlink("/s"), Errno.EACCES),
                row("sem_unlink: name too long", AS_ALICE, (p, f) -> p.semUnlink(LONG_SEM), Errno.ENAMETOOLONG),
                row("sem_unlink: name with another slash", AS_ALICE, (p, f) -> p.semUnlink("/s/"), Errno.EINVAL),
                // mq_open(3)
                row("mq_open: O_CREAT|O_EXCL of an existing name", AS_ALICE, (p, f) -> p.mqOpen("/q", O_CREAT | O_EXCL | O_RDWR, 0600, null), Errno.EEXIST),
                row("mq_open: no such name without O_CREAT", AS_ALICE, (p, f) -> p.mqOpen("/none", O_RDONLY, 0, null), Errno.ENOENT),
                row("mq_open: name '/' alone", AS_ALICE, (p, f) -> p.mqOpen("/", O_CREAT | O_RDWR, 0600, null), Errno.ENOENT),
                row("mq_open: name without a leading slash", AS_ALICE, (p, f) -> p.mqOpen("q", O_CREAT | O_RDWR, 0600, null), Errno.EINVAL),
                row("mq_open: name with another slash", AS_ALICE, (p, f) -> p.mqOpen("/a/b", O_CREAT | O_RDWR, 0600, null), Errno.EACCES),
                row("mq_open: name of 256 characters", AS_ALICE, (p, f) -> p.mqOpen(LONG, O_CREAT | O_RDWR, 0600, null), Errno.ENAMETOOLONG),
                row("mq_open: empty name", AS_ALICE, (p, f) -> p.mqOpen("", O_CREAT | O_RDWR, 0600, null), Errno.EINVAL),
                row("mq_open: name longer than PATH_MAX (LTP mq_open 27-1)", AS_ALICE, (p, f) -> p.mqOpen("/q" + "0".repeat(8192),
                        O_CREAT | O_RDWR, 0600, null), Errno.ENAMETOOLONG),
                row("mq_open: O_WRONLY|O_RDWR", AS_ALICE, (p, f) -> p.mqOpen("/q", O_WRONLY | O_RDWR, 0, null), Errno.EINVAL),
                row("mq_open: mq_maxmsg 0", AS_ALICE, (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, MqAttr.of(0, 64)), Errno.EINVAL),
                row("mq_open: mq_msgsize 0", AS_ALICE, (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, MqAttr.of(4, 0)), Errno.EINVAL),
                row("mq_open: negative mq_maxmsg", AS_ALICE, (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, MqAttr.of(-1, 64)), Errno.EINVAL),
                row("mq_open: mq_maxmsg above msg_max", AS_ALICE, (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, MqAttr.of(11, 64)), Errno.EINVAL),
                row("mq_open: mq_msgsize above msgsize_max", AS_ALICE, (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, MqAttr.of(4, 8193)), Errno.EINVAL),
                row("mq_open: mq_maxmsg above the partition's mqueue.msg_max", alice("mqueue.msg_max", 3),
                        (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, MqAttr.of(4, 64)), Errno.EINVAL),
                row("mq_open: read of a 0600 queue by another user", AS_BOB, (p, f) -> p.mqOpen("/q", O_RDONLY, 0, null), Errno.EACCES),
                row("mq_open: write of a 0600 queue by another user", AS_BOB, (p, f) -> p.mqOpen("/q", O_WRONLY, 0, null), Errno.EACCES),
                row("mq_open: the partition's queues at mqueue.queues_max", alice("mqueue.queues_max", 2),
                        (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, null), Errno.ENOSPC),
                row("mq_open: the process's handles at posix.nofile", alice("posix.nofile", 9), (p, f) -> p.mqOpen("/q", O_RDONLY, 0, null), Errno.EMFILE),
                row("mq_open: the partition's handles at posix.files", new Caller(2, BOB, "p1", Map.of("posix.files", 9L)),
                        (p, f) -> p.mqOpen("/new", O_CREAT | O_RDWR, 0600, null), Errno.ENFILE),
                // mq_send(3), mq_timedsend
                row("mq_send: not a descriptor", AS_ALICE, (p, f) -> p.mqSend(77, new byte[1], 0), Errno.EBADF),
                row("mq_send: a descriptor open O_RDONLY", AS_ALICE, (p, f) -> p.mqSend(f.mqRead(), new byte[1], 0), Errno.EBADF),
                row("mq_send: a shared memory descriptor", AS_ALICE, (p, f) -> p.mqSend(f.shm(), new byte[1], 0), Errno.EBADF),
                row("mq_send: a semaphore handle", AS_ALICE, (p, f) -> p.mqSend(f.sem(), new byte[1], 0), Errno.EBADF),
                row("mq_send: longer than mq_msgsize", AS_ALICE, (p, f) -> p.mqSend(f.mqWrite(), new byte[65], 0), Errno.EMSGSIZE),
                row("mq_send: priority MQ_PRIO_MAX", AS_ALICE, (p, f) -> p.mqSend(f.mqWrite(), new byte[1], Posix.MQ_PRIO_MAX), Errno.EINVAL),
                row("mq_send: negative (huge unsigned) priority", AS_ALICE, (p, f) -> p.mqSend(f.mqWrite(), new byte[1], -1), Errno.EINVAL),
                row("mq_send: full queue, O_NONBLOCK", AS_ALICE, (p, f) -> p.mqSend(f.mqFullNonblock(), new byte[1], 0), Errno.EAGAIN),
                row("mq_timedsend: full queue, O_NONBLOCK", AS_ALICE, (p, f) -> p.mqTimedsend(f.mqFullNonblock(), new byte[1], 0,
                        Instant.now().plusSeconds(5)), Errno.EAGAIN),
                row("mq_timedsend: full queue until a past deadline", AS_ALICE, (p, f) -> p.mqTimedsend(f.mqFull(), new byte[1], 0, past()), Errno.ETIMEDOUT),
                row("mq_timedsend: full queue until a near deadline", AS_ALICE, (p, f) -> p.mqTimedsend(f.mqFull(), new byte[1], 0,
                        Instant.now().plusMillis(30)), Errno.ETIMEDOUT),
                row("mq_timedsend: timeout before the epoch", AS_ALICE, (p, f) -> p.mqTimedsend(f.mqWrite(), new byte[1], 0,
                        Instant.ofEpochSecond(-1)), Errno.EINVAL),
                row("mq_timedsend: no timeout", AS_ALICE, (p, f) -> p.mqTimedsend(f.mqWrite(), new byte[1], 0, null), Errno.EINVAL),
                row("mq_send: no message", AS_ALICE, (p, f) -> p.mqSend(f.mqWrite(), null, 0), Errno.EFAULT),
                // mq_receive(3), mq_timedreceive
                row("mq_receive: not a descriptor", AS_ALICE, (p, f) -> p.mqReceive(77, 64), Errno.EBADF),
                row("mq_receive: a descriptor open O_WRONLY", AS_ALICE, (p, f) -> p.mqReceive(f.mqWrite(), 64), Errno.EBADF),
                row("mq_receive: buffer shorter than mq_msgsize", AS_ALICE, (p, f) -> p.mqReceive(f.mqFull(), 63), Errno.EMSGSIZE),
                row("mq_receive: empty queue, O_NONBLOCK", AS_ALICE, (p, f) -> p.mqReceive(f.mqEmptyNonblock(), 64), Errno.EAGAIN),
                row("mq_timedreceive: empty queue until a past deadline", AS_ALICE, (p, f) -> p.mqTimedreceive(f.mqRead(), 64, past()), Errno.ETIMEDOUT),
                row("mq_timedreceive: empty queue until a near deadline", AS_ALICE, (p, f) -> p.mqTimedreceive(f.mqRead(), 64,
                        Instant.now().plusMillis(30)), Errno.ETIMEDOUT),
                row("mq_timedreceive: timeout before the epoch", AS_ALICE, (p, f) -> p.mqTimedreceive(f.mqRead(), 64,
                        Instant.ofEpochSecond(-5)), Errno.EINVAL),
                // mq_getattr(3), mq_setattr
                row("mq_getattr: not a descriptor", AS_ALICE, (p, f) -> p.mqGetattr(77), Errno.EBADF),
                row("mq_getattr: a shared memory descriptor", AS_ALICE, (p, f) -> p.mqGetattr(f.shm()), Errno.EBADF),
                row("mq_setattr: flags beyond O_NONBLOCK", AS_ALICE, (p, f) -> p.mqSetattr(f.mqRead(), new MqAttr(O_NONBLOCK | O_CREAT, 0, 0, 0)), Errno.EINVAL),
                row("mq_setattr: not a descriptor", AS_ALICE, (p, f) -> p.mqSetattr(77, new MqAttr(0, 0, 0, 0)), Errno.EBADF),
                row("mq_setattr: no attributes", AS_ALICE, (p, f) -> p.mqSetattr(f.mqRead(), null), Errno.EFAULT),
                // mq_close(3), mq_unlink(3)
                row("mq_close: not a descriptor", AS_ALICE, (p, f) -> p.mqClose(77), Errno.EBADF),
                row("mq_close: a semaphore handle", AS_ALICE, (p, f) -> p.mqClose(f.sem()), Errno.EBADF),
                row("mq_close: another process's descriptor", AS_BOB, (p, f) -> p.mqClose(f.mqRead()), Errno.EBADF),
                row("mq_unlink: no such name", AS_ALICE, (p, f) -> p.mqUnlink("/none"), Errno.ENOENT),
                row("mq_unlink: by another user", AS_BOB, (p, f) -> p.mqUnlink("/q"), Errno.EACCES),
                row("mq_unlink: name too long", AS_ALICE, (p, f) -> p.mqUnlink(LONG), Errno.ENAMETOOLONG),
                row("mq_unlink: name without a leading slash", AS_ALICE, (p, f) -> p.mqUnlink("q"), Errno.EINVAL),
                // shm_open(3)
                row("shm_open: O_CREAT|O_EXCL of an existing name", AS_ALICE, (p, f) -> p.shmOpen("/m", O_CREAT | O_EXCL | O_RDWR, 0600), Errno.EEXIST),
                row("shm_open: no such name without O_CREAT", AS_ALICE, (p, f) -> p.shmOpen("/none", O_RDWR, 0), Errno.ENOENT),
                row("shm_open: name without a leading slash", AS_ALICE, (p, f) -> p.shmOpen("m", O_CREAT | O_RDWR, 0600), Errno.EINVAL),
                row("shm_open: name '/' alone", AS_ALICE, (p, f) -> p.shmOpen("/", O_CREAT | O_RDWR, 0600), Errno.EINVAL),
                row("shm_open: name with another slash", AS_ALICE, (p, f) -> p.shmOpen("/a/b", O_CREAT | O_RDWR, 0600), Errno.EINVAL),
                row("shm_open: name of 256 characters", AS_ALICE, (p, f) -> p.shmOpen(LONG, O_CREAT | O_RDWR, 0600), Errno.ENAMETOOLONG),
                row("shm_open: empty name", AS_ALICE, (p, f) -> p.shmOpen("", O_CREAT | O_RDWR, 0600), Errno.EINVAL),
                row("shm_open: O_WRONLY|O_RDWR", AS_ALICE, (p, f) -> p.shmOpen("/m", O_WRONLY | O_RDWR, 0), Errno.EINVAL),
                row("shm_open: read of a 0600 object by another user", AS_BOB, (p, f) -> p.shmOpen("/m", O_RDONLY, 0), Errno.EACCES),
                row("shm_open: O_TRUNC without write permission", AS_BOB, (p, f) -> p.shmOpen("/m0644", O_RDONLY | O_TRUNC, 0), Errno.EACCES),
                row("shm_open: the process's handles at posix.nofile", alice("posix.nofile", 9), (p, f) -> p.shmOpen("/m", O_RDONLY, 0), Errno.EMFILE),
                // ftruncate(2), fstat(2)
                row("ftruncate: not a descriptor", AS_ALICE, (p, f) -> p.ftruncate(77, 8), Errno.EBADF),
                row("ftruncate: a descriptor open O_RDONLY", AS_ALICE, (p, f) -> p.ftruncate(f.shmRead(), 8), Errno.EINVAL),
                row("ftruncate: negative length", AS_ALICE, (p, f) -> p.ftruncate(f.shm(), -1), Errno.EINVAL),
                row("ftruncate: a message queue", AS_ALICE, (p, f) -> p.ftruncate(f.mqWrite(), 8), Errno.EINVAL),
                row("ftruncate: beyond posix.shm_max", alice("posix.shm_max", 8192), (p, f) -> p.ftruncate(f.shm(), 8193), Errno.EFBIG),
                row("ftruncate: beyond posix.shm_total", alice("posix.shm_total", 8192), (p, f) -> p.ftruncate(f.shm(), 4097), Errno.ENOSPC),
                row("fstat: not a descriptor", AS_ALICE, (p, f) -> p.fstat(77), Errno.EBADF),
                row("fstat: a semaphore handle", AS_ALICE, (p, f) -> p.fstat(f.sem()), Errno.EBADF),
                // mmap(2), munmap(2), access past the mapping
                row("mmap: not a descriptor", AS_ALICE, (p, f) -> p.mmap(77, 4096, PROT_READ), Errno.EBADF),
                row("mmap: length 0", AS_ALICE, (p, f) -> p.mmap(f.shm(), 0, PROT_READ), Errno.EINVAL),
                row("mmap: unknown prot bits", AS_ALICE, (p, f) -> p.mmap(f.shm(), 4096, 8), Errno.EINVAL),
                row("mmap: PROT_WRITE of a descriptor open O_RDONLY", AS_ALICE, (p, f) -> p.mmap(f.shmRead(), 4096, PROT_READ | PROT_WRITE), Errno.EACCES),
                row("mmap: a message queue", AS_ALICE, (p, f) -> p.mmap(f.mqRead(), 4096, PROT_READ), Errno.ENODEV),
                row("mapping: no mapping at the address", AS_ALICE, (p, f) -> p.mapping(0x7f0000000000L), Errno.EINVAL),
                // close(2), shm_unlink(3)
                row("close: not a descriptor", AS_ALICE, (p, f) -> p.close(77), Errno.EBADF),
                row("close: a semaphore handle", AS_ALICE, (p, f) -> p.close(f.sem()), Errno.EBADF),
                row("shm_unlink: no such name", AS_ALICE, (p, f) -> p.shmUnlink("/none"), Errno.ENOENT),
                row("shm_unlink: by another user", AS_BOB, (p, f) -> p.shmUnlink("/m"), Errno.EACCES),
                row("shm_unlink: name too long", AS_ALICE, (p, f) -> p.shmUnlink(LONG), Errno.ENAMETOOLONG),
                row("shm_unlink: name '/' alone", AS_ALICE, (p, f) -> p.shmUnlink("/"), Errno.EINVAL),
                // isolation: the same names and handle numbers from another partition
                row("p2: sem_open of p1's name", IN_P2, (p, f) -> p.semOpen("/s", 0, 0, 0), Errno.ENOENT),
                row("p2: mq_open of p1's name", IN_P2, (p, f) -> p.mqOpen("/q", O_RDWR, 0, null), Errno.ENOENT),
                row("p2: shm_open of p1's name", IN_P2, (p, f) -> p.shmOpen("/m", O_RDWR, 0), Errno.ENOENT),
                row("p2: sem_unlink of p1's name", IN_P2, (p, f) -> p.semUnlink("/s"), Errno.ENOENT),
                row("p2: mq_unlink of p1's name", IN_P2, (p, f) -> p.mqUnlink("/q"), Errno.ENOENT),
                row("p2: shm_unlink of p1's name", IN_P2, (p, f) -> p.shmUnlink("/m"), Errno.ENOENT),
                row("p2: sem_post with p1's handle number", IN_P2, (p, f) -> p.semPost(f.sem()), Errno.EINVAL),
                row("p2: mq_receive with p1's descriptor number", IN_P2, (p, f) -> p.mqReceive(f.mqFull(), 64), Errno.EBADF),
                row("p2: mmap with p1's descriptor number", IN_P2, (p, f) -> p.mmap(f.shm(), 4096, PROT_READ), Errno.EBADF),
                row("p2: close of p1's descriptor number", IN_P2, (p, f) -> p.close(f.shm()), Errno.EBADF));
    }

    /** Accesses that need a mapping first: the mapping is set up, then the access must fail as the row says. */
    static Stream<Arguments> mappedRows() {
        return Stream.of(
                row("mapped read past the mapping", AS_ALICE, (p, f) -> p.mmap(f.shm(), 64, PROT_READ).getLong(60), Errno.EFAULT),
                row("mapped read past the object (SIGBUS)", AS_ALICE, (p, f) -> p.mmap(f.shm(), 8192, PROT_READ).getLong(4096), Errno.EFAULT),
                row("mapped write to a PROT_READ mapping (SIGSEGV)", AS_ALICE, (p, f) -> p.mmap(f.shm(), 64, PROT_READ).putLong(0, 1), Errno.EACCES),
                row("mapped negative offset", AS_ALICE, (p, f) -> p.mmap(f.shmRead(), 64, PROT_READ).read(-1, new byte[1], 0, 1), Errno.EFAULT),
                row("mapped read into a buffer too short", AS_ALICE, (p, f) -> p.mmap(f.shm(), 64, PROT_READ).read(0, new byte[4], 2, 4), Errno.EFAULT),
                row("mapped write from no buffer", AS_ALICE, (p, f) -> p.mmap(f.shm(), 64, PROT_READ | PROT_WRITE).write(0, null, 0, 1), Errno.EFAULT),
                row("munmap twice", AS_ALICE, (p, f) -> {
                    var mapping = p.mmap(f.shm(), 64, PROT_READ);
                    mapping.munmap();
                    mapping.munmap();
                }, Errno.EINVAL),
                row("access after munmap", AS_ALICE, (p, f) -> {
                    var mapping = p.mmap(f.shm(), 64, PROT_READ | PROT_WRITE);
                    mapping.munmap();
                    mapping.putLong(0, 1);
                }, Errno.EINVAL),
                row("sem_close twice", AS_ALICE, (p, f) -> {
                    p.semClose(f.semMax());
                    p.semClose(f.semMax());
                }, Errno.EINVAL),
                row("mq_close twice", AS_ALICE, (p, f) -> {
                    p.mqClose(f.mqWrite());
                    p.mqClose(f.mqWrite());
                }, Errno.EBADF));
    }

    final TestProcess.Node node = new TestProcess.Node("node1", 1_000);
    final PosixVirtualizer virtualizer = new PosixVirtualizer();

    Fixture fixture() {
        PosixIpc alice = new TestProcess(null, "p1", 1, ALICE, node, Map.of()).posix(virtualizer);
        int sem = alice.semOpen("/s", O_CREAT, 0600, 0);
        int semMax = alice.semOpen("/max", O_CREAT, 0600, Posix.SEM_VALUE_MAX);
        int mqRead = alice.mqOpen("/q", O_CREAT | O_RDONLY, 0600, MqAttr.of(4, 64));
        int mqWrite = alice.mqOpen("/q", O_WRONLY, 0, null);
        int mqEmpty = alice.mqOpen("/q", O_RDONLY | O_NONBLOCK, 0, null);
        int mqFull = alice.mqOpen("/full", O_CREAT | O_RDWR, 0600, MqAttr.of(1, 64));
        alice.mqSend(mqFull, new byte[] { 1 }, 0);
        int mqFullNonblock = alice.mqOpen("/full", O_RDWR | O_NONBLOCK, 0, null);
        int shm = alice.shmOpen("/m", O_CREAT | O_RDWR, 0600);
        alice.ftruncate(shm, 4096);
        int shmRead = alice.shmOpen("/m", O_RDONLY, 0);
        // a 0644 object of 4096 bytes alice owns, which bob may read but not truncate; not held open by anyone
        int other = alice.shmOpen("/m0644", O_CREAT | O_RDWR, 0644);
        alice.ftruncate(other, 4096);
        alice.close(other);
        return new Fixture(sem, semMax, mqRead, mqWrite, mqEmpty, mqFull, mqFullNonblock, shm, shmRead);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void failsWithLinuxsErrnoAndChangesNothing(Row row) throws IOException {
        Fixture fixture = fixture();
        List<PosixObjectInfo> before = virtualizer.list(Optional.empty());
        byte[] imageBefore = section("p1");
        Errno errno = call(row, fixture);
        assertEquals(row.expected(), errno);
        assertEquals(before, virtualizer.list(Optional.empty()), "a failed call changes nothing");
        assertArrayEquals(imageBefore, section("p1"), "nothing at all: not a handle, a byte, a time or a table");
        assertEquals(List.of(), virtualizer.list(Optional.of("p2")));
        assertEquals(9, before.stream().mapToInt(PosixObjectInfo::opens).sum());
    }

    private byte[] section(String partition) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        virtualizer.checkpoint(new CheckpointContext(partition, "node1", PartitionSpec.DEFAULT, Instant.now()),
                new IpcCheckpointTest.Output(bytes));
        return bytes.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappedRows")
    void mappedAccessesAndSecondClosesFailWithLinuxsErrno(Row row) {
        assertEquals(row.expected(), call(row, fixture()));
    }

    private Errno call(Row row, Fixture fixture) {
        Caller caller = row.caller();
        PosixIpc ipc = new TestProcess(null, caller.partition(), caller.vpid(), caller.credentials(), node, caller.limits())
                .posix(virtualizer);
        KernelException failure = assertThrows(KernelException.class, () -> row.call().on(ipc, fixture));
        assertEquals(failure.errno().name(), failure.getMessage().split(":")[0], "the message starts with the errno");
        return failure.errno();
    }
}
