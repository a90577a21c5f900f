package dev.haven.ipc;

import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_RMID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.PreCopy;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.ipc.MappedMemory;
import dev.haven.api.ipc.Posix;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.partition.PartitionSpec;

/**
 * Pre-copy of shared memory under concurrent writers: the section written from the copy restores exactly
 * what a stop-and-copy section of the same frozen moment restores, and exactly what the writers' logs say.
 */
class PreCopyTest {
    static final int PAGE = DirtyPages.PAGE;
    static final int SEGMENT = 16 << 20;
    static final int OBJECT = 4 << 20;
    static final int WRITERS = 3;

    final TestProcess.Node node1 = new TestProcess.Node("node1", 500_000);
    final TestProcess.Node node2 = new TestProcess.Node("node2", 900_000);
    final TestProcess.Node node3 = new TestProcess.Node("node3", 700_000);
    final IpcVirtualizer sysv = new IpcVirtualizer();
    final PosixVirtualizer posix = new PosixVirtualizer();
    final CheckpointContext context = new CheckpointContext("p1", "node1", PartitionSpec.DEFAULT, Instant.now());

    /** One write: bytes at an offset, logged in the order the writer made them. */
    record Write(boolean sysv, int offset, byte[] bytes) {
    }

    /** Writers on disjoint pages (page % WRITERS), so replaying each log in order gives the content. */
    final class Writer extends Thread {
        final int index;
        final SharedMemory segment;
        final MappedMemory mapping;
        final List<Write> log = new ArrayList<>();
        final AtomicBoolean stop;
        final CountDownLatch wrote;

        Writer(int index, SharedMemory segment, MappedMemory mapping, AtomicBoolean stop, CountDownLatch wrote) {
            this.index = index;
            this.segment = segment;
            this.mapping = mapping;
            this.stop = stop;
            this.wrote = wrote;
        }

        @Override
        public void run() {
            Random random = new Random(index);
            while (!stop.get()) {
                boolean toSegment = random.nextInt(4) != 0;
                int pages = (toSegment ? SEGMENT : OBJECT) / PAGE;
                int page = random.nextInt(pages / WRITERS) * WRITERS + index;
                // within its page, so a write never touches another writer's page
                int offset = random.nextInt(PAGE - 16);
                byte[] bytes = new byte[1 + random.nextInt(PAGE - offset - 1)];
                random.nextBytes(bytes);
                long at = (long) page * PAGE + offset;
                if (toSegment) {
                    segment.write(at, bytes, 0, bytes.length);
                } else {
                    mapping.write(at, bytes, 0, bytes.length);
                }
                log.add(new Write(toSegment, (int) at, bytes));
                wrote.countDown();
            }
        }
    }

    static SectionBytes section() {
        return new SectionBytes();
    }

    static final class SectionBytes {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final IpcCheckpointTest.Output out = new IpcCheckpointTest.Output(bytes);

        IpcCheckpointTest.Input in() {
            return new IpcCheckpointTest.Input(bytes.toByteArray());
        }
    }

    RestoreContext on(String node, TestProcess.Node kernel) {
        ImageHeader header = new ImageHeader(1, "p1", PartitionSpec.DEFAULT, "node1", Instant.now(), Map.of());
        return new RestoreContext("p1", header, node, kernel, PartitionSpec.DEFAULT);
    }

    TestProcess process(TestProcess.Node node, IpcVirtualizer virtualizer, int pid) {
        return new TestProcess(virtualizer, "p1", pid, IpcCheckpointTest.ALICE, node, Map.of());
    }

    static byte[] read(SharedMemory memory) {
        byte[] bytes = new byte[(int) memory.size()];
        memory.read(0, bytes, 0, bytes.length);
        return bytes;
    }

    static byte[] read(MappedMemory memory) {
        byte[] bytes = new byte[(int) memory.length()];
        memory.read(0, bytes, 0, bytes.length);
        return bytes;
    }

    @Test
    void liveSectionsRestoreWhatStopAndCopyAndTheWritersLogsSayUnderConcurrentWriters() throws Exception {
        TestProcess owner = process(node1, sysv, 1);
        int shmid = owner.ipc.shmget(0x4449, SEGMENT, IPC_CREAT | 0600);
        PosixIpc owners = owner.posix(posix);
        int fd = owners.shmOpen("/bulk", Posix.O_RDWR | Posix.O_CREAT, 0600);
        owners.ftruncate(fd, OBJECT);

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch wrote = new CountDownLatch(WRITERS * 2000);
        List<Writer> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            TestProcess process = process(node1, sysv, 2 + i);
            PosixIpc mine = process.posix(posix);
            MappedMemory mapping = mine.mmap(mine.shmOpen("/bulk", Posix.O_RDWR, 0), OBJECT, Posix.PROT_READ | Posix.PROT_WRITE);
            writers.add(new Writer(i, process.ipc.shmat(shmid, 0), mapping, stop, wrote));
        }
        PreCopy sysvCopy = sysv.preCopy(context);
        PreCopy posixCopy = posix.preCopy(context);
        writers.forEach(Thread::start);
        List<Long> dirty = new ArrayList<>();
        long copied = 0;
        // rounds while every writer writes: at least 2000 writes each have landed among them
        for (int round = 0; round < 3 || wrote.getCount() > 0; round++) {
            copied += sysvCopy.round() + posixCopy.round();
            dirty.add(sysvCopy.dirty() + posixCopy.dirty());
        }
        stop.set(true);
        for (Writer writer : writers) {
            writer.join();
        }
        // frozen: what is still dirty goes now, and a stop-and-copy section of the same moment beside it
        assertTrue(copied >= SEGMENT + OBJECT, "the first round copies everything: " + copied);
        assertTrue(dirty.stream().anyMatch(d -> d > 0), "writers dirtied pages between rounds: " + dirty);
        long stillDirty = sysvCopy.dirty() + posixCopy.dirty();
        SectionBytes liveSysv = section();
        SectionBytes livePosix = section();
        assertEquals(stillDirty, sysvCopy.finish(context, liveSysv.out) + posixCopy.finish(context, livePosix.out));
        SectionBytes fullSysv = section();
        SectionBytes fullPosix = section();
        sysv.checkpoint(context, fullSysv.out);
        posix.checkpoint(context, fullPosix.out);
        assertTrue(liveSysv.bytes.size() < 1024 && livePosix.bytes.size() < 1024, "the live sections carry no bulk");

        byte[] expectedSegment = new byte[SEGMENT];
        byte[] expectedObject = new byte[OBJECT];
        for (Writer writer : writers) {
            for (Write write : writer.log) {
                System.arraycopy(write.bytes(), 0, write.sysv() ? expectedSegment : expectedObject, write.offset(),
                        write.bytes().length);
            }
        }

        // stop-and-copy onto node3 with virtualizers of their own
        IpcVirtualizer fullTarget = new IpcVirtualizer();
        PosixVirtualizer fullPosixTarget = new PosixVirtualizer();
        fullTarget.restore(on("node3", node3), IpcSection.VERSION, fullSysv.in());
        fullPosixTarget.restore(on("node3", node3), PosixSection.VERSION, fullPosix.in());
        // live onto node2: the same virtualizers, which hold the copies
        sysv.restore(on("node2", node2), IpcSection.VERSION, liveSysv.in());
        posix.restore(on("node2", node2), PosixSection.VERSION, livePosix.in());
        sysvCopy.close();
        posixCopy.close();

        TestProcess live = process(node2, sysv, 2);
        TestProcess full = process(node3, fullTarget, 2);
        byte[] liveSegment = read(live.ipc.shmat(shmid, 0));
        assertArrayEquals(expectedSegment, liveSegment, "the live copy is what the writers wrote");
        assertArrayEquals(expectedSegment, read(full.ipc.shmat(shmid, 0)));
        assertEquals(full.ipc.shmctl(shmid, dev.haven.api.ipc.Ipc.IPC_STAT, null).nattch(),
                live.ipc.shmctl(shmid, dev.haven.api.ipc.Ipc.IPC_STAT, null).nattch());
        // every writer's mapping comes back at its address, with the same bytes behind it
        for (int i = 0; i < WRITERS; i++) {
            PosixIpc liveProcess = process(node2, null, 2 + i).posix(posix);
            PosixIpc fullProcess = process(node3, null, 2 + i).posix(fullPosixTarget);
            int liveFd = liveProcess.shmOpen("/bulk", Posix.O_RDWR, 0);
            int fullFd = fullProcess.shmOpen("/bulk", Posix.O_RDWR, 0);
            byte[] liveObject = read(liveProcess.mmap(liveFd, OBJECT, Posix.PROT_READ));
            assertArrayEquals(expectedObject, liveObject);
            assertArrayEquals(liveObject, read(fullProcess.mmap(fullFd, OBJECT, Posix.PROT_READ)));
        }
    }

    @Test
    void objectsCreatedResizedAndRemovedBetweenRoundsAreAsAStopAndCopyHasThem() throws Exception {
        TestProcess process = process(node1, sysv, 1);
        SysVIpc ipc = process.ipc;
        int gone = ipc.shmget(0x10, 8 * PAGE, IPC_CREAT | 0600);
        PosixIpc px = process.posix(posix);
        int fd = px.shmOpen("/grows", Posix.O_RDWR | Posix.O_CREAT, 0600);
        px.ftruncate(fd, 2 * PAGE);
        px.mmap(fd, 2 * PAGE, Posix.PROT_WRITE).putLong(PAGE + 8, 7);
        PreCopy sysvCopy = sysv.preCopy(context);
        PreCopy posixCopy = posix.preCopy(context);
        sysvCopy.round();
        posixCopy.round();
        assertEquals(0, sysvCopy.dirty() + posixCopy.dirty());

        ipc.shmctl(gone, IPC_RMID, null);
        int late = ipc.shmget(0x11, 3 * PAGE, IPC_CREAT | 0600);
        ipc.shmat(late, 0).putLong(2 * PAGE, 42);
        px.ftruncate(fd, 5 * PAGE);
        px.mmap(fd, 5 * PAGE, Posix.PROT_WRITE).putLong(4 * PAGE, 9);
        assertEquals(3 * PAGE, sysvCopy.dirty(), "a new segment is dirty whole");
        assertEquals(5 * PAGE, posixCopy.dirty(), "a resized object is dirty whole");

        SectionBytes liveSysv = section();
        SectionBytes livePosix = section();
        sysvCopy.finish(context, liveSysv.out);
        posixCopy.finish(context, livePosix.out);
        SectionBytes fullSysv = section();
        SectionBytes fullPosix = section();
        sysv.checkpoint(context, fullSysv.out);
        posix.checkpoint(context, fullPosix.out);

        IpcVirtualizer fullTarget = new IpcVirtualizer();
        PosixVirtualizer fullPosixTarget = new PosixVirtualizer();
        fullTarget.restore(on("node3", node3), IpcSection.VERSION, fullSysv.in());
        fullPosixTarget.restore(on("node3", node3), PosixSection.VERSION, fullPosix.in());
        sysv.restore(on("node2", node2), IpcSection.VERSION, liveSysv.in());
        posix.restore(on("node2", node2), PosixSection.VERSION, livePosix.in());
        sysvCopy.close();
        posixCopy.close();

        assertEquals(fullTarget.list(java.util.Optional.of("p1")).size(), sysv.list(java.util.Optional.of("p1")).size());
        assertFalse(sysv.list(java.util.Optional.of("p1")).stream().anyMatch(info -> info.id() == gone));
        SharedMemory liveLate = process(node2, sysv, 1).ipc.shmat(late, 0);
        assertArrayEquals(read(process(node3, fullTarget, 1).ipc.shmat(late, 0)), read(liveLate));
        assertEquals(42, liveLate.getLong(2 * PAGE));
        PosixIpc livePx = process(node2, null, 1).posix(posix);
        MappedMemory liveObject = livePx.mmap(livePx.shmOpen("/grows", Posix.O_RDWR, 0), 5 * PAGE, Posix.PROT_READ);
        PosixIpc fullPx = process(node3, null, 1).posix(fullPosixTarget);
        assertArrayEquals(read(fullPx.mmap(fullPx.shmOpen("/grows", Posix.O_RDWR, 0), 5 * PAGE, Posix.PROT_READ)),
                read(liveObject));
        assertEquals(7, liveObject.getLong(PAGE + 8));
        assertEquals(9, liveObject.getLong(4 * PAGE));
    }

    @Test
    void aLiveSectionCannotRestoreOnceItsMigrationHasEndedAndTrackingStops() throws Exception {
        TestProcess process = process(node1, sysv, 1);
        int shmid = process.ipc.shmget(0x12, 4 * PAGE, IPC_CREAT | 0600);
        SharedMemory memory = process.ipc.shmat(shmid, 0);
        PreCopy copy = sysv.preCopy(context);
        copy.round();
        SectionBytes live = section();
        copy.finish(context, live.out);
        copy.close();
        memory.putLong(0, 1);
        assertEquals(4 * PAGE, copy.dirty(), "a closed copy tracks nothing: the segment counts as not copied");
        copy.close();
        ShmSegment segment = sysv.namespace(process).segments.get(shmid);
        assertEquals(null, segment.dirty(), "a closed migration tracks no writes");

        ImageException damaged = assertThrows(ImageException.class,
                () -> new IpcVirtualizer().restore(on("node2", node2), IpcSection.VERSION, live.in()));
        assertEquals(ImageException.Reason.CORRUPT, damaged.reason());
        assertTrue(damaged.getMessage().contains("which has ended"), damaged.getMessage());
        assertEquals(0, node2.allocated(dev.haven.api.firmware.IdSpace.SHM), "a refused restore leaves no real id");
    }

    @Test
    void dirtyPagesMarkEveryPageAWriteTouchesOnce() {
        DirtyPages pages = new DirtyPages(10L * PAGE + 1);
        assertEquals(11, pages.pages());
        assertEquals(11, pages.count(), "nothing copied yet: all dirty");
        for (int page = pages.next(0); page >= 0; page = pages.next(page + 1)) {
            assertTrue(pages.take(page));
        }
        assertEquals(0, pages.count());
        assertEquals(-1, pages.next(0));
        pages.mark(PAGE - 1, 2);
        pages.mark(PAGE, 1);
        pages.mark(10L * PAGE, 1);
        pages.mark(5 * PAGE, 0);
        assertEquals(3, pages.count(), "pages 0, 1 and 10, each once");
        assertEquals(0, pages.next(0));
        assertEquals(1, pages.next(1));
        assertEquals(10, pages.next(2));
        assertFalse(pages.take(5));
    }
}
