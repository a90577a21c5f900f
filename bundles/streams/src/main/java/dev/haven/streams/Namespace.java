package dev.haven.streams;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.SystemCalls;

/**
 * A partition's STREAMS: its descriptor table, its streams by virtual id, and its perimeter — one lock
 * under which every put and service procedure of the partition runs, so procedures never race and never
 * wait — with the run list of enabled queues. Service procedures run when a system call is done with the
 * streams (SVR4's {@code runqueues} on the way back to user mode), never on a frozen stream.
 */
final class Namespace {
    static final int FIRST_FD = 3;

    final String partition;
    final NodeKernel node;
    final StreamsFramework framework;
    final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int waiters;
    /** Counts wake-ups, so a waiter that spins before it parks sees one without the lock. */
    private volatile long generation;
    /** How long a waiter spins for a wake-up before it sleeps: a few microseconds, less than a park and an unpark cost. */
    private static final int SPINS = 256;
    private final ArrayDeque<QueueImpl> runlist = new ArrayDeque<>();
    final TreeMap<Integer, StreamImpl> descriptors = new TreeMap<>();
    final TreeMap<Integer, StreamImpl> streams = new TreeMap<>();
    int nextMuxId = 1;
    long nextIocId = 1;

    Namespace(String partition, NodeKernel node, StreamsFramework framework) {
        this.partition = partition;
        this.node = node;
        this.framework = framework;
    }

    void schedule(QueueImpl q) {
        runlist.addLast(q);
    }

    /** Runs every enabled service procedure, except those of frozen streams, which stay enabled. */
    void runqueues() {
        List<QueueImpl> held = null;
        QueueImpl q;
        while ((q = runlist.pollFirst()) != null) {
            if (q.pair.stream.frozen) {
                if (held == null) {
                    held = new ArrayList<>();
                }
                held.add(q);
                continue;
            }
            q.flags &= ~QueueImpl.QENAB;
            if (!q.pair.stream.closed) {
                q.pair.handler.service(q);
            }
        }
        if (held != null) {
            runlist.addAll(held);
        }
    }

    /** Wakes every waiter of the partition's streams; cheap when nobody waits. */
    void wake() {
        if (waiters > 0) {
            generation++;
            changed.signalAll();
        }
    }

    /**
     * Waits for a change with the lock held on entry and on return, out of flight meanwhile so a freeze
     * can proceed (the lock is let go before the caller may be held at the freeze gate, because the
     * checkpoint takes it). Returns false once {@code deadlineNanos} (System.nanoTime, 0 for none) passed.
     */
    boolean await(SystemCalls caller, long deadlineNanos) {
        runqueues();
        waiters++;
        caller.park();
        boolean inTime = true;
        long seen = generation;
        try {
            lock.unlock();
            for (int i = 0; i < SPINS && generation == seen && !Thread.currentThread().isInterrupted(); i++) {
                Thread.onSpinWait();
            }
            lock.lock();
            if (generation != seen) {
                return true;
            }
            if (deadlineNanos == 0) {
                changed.await();
            } else {
                long left = deadlineNanos - System.nanoTime();
                inTime = left > 0 && changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException woken) {
            // a freeze or a kill: the caller re-checks after unpark
        } finally {
            waiters--;
            lock.unlock();
            try {
                caller.unpark();
            } finally {
                lock.lock();
            }
        }
        return inTime || deadlineNanos == 0 || System.nanoTime() < deadlineNanos;
    }

    int allocateDescriptor() {
        int fd = FIRST_FD;
        for (int used : descriptors.keySet()) {
            if (used != fd) {
                break;
            }
            fd++;
        }
        return fd;
    }

    int allocateStreamId() {
        return streams.isEmpty() ? 1 : streams.lastKey() + 1;
    }

    /** Creates an empty stream (no driver yet) with a fresh real id from the node kernel. */
    StreamImpl newStream(int id) {
        StreamImpl stream = new StreamImpl(this, id, node.allocate(IdSpace.STREAM));
        streams.put(id, stream);
        return stream;
    }

    /** Ends every stream without running close procedures (the partition's instance ended) and gives back the real ids. */
    void release() {
        lock.lock();
        try {
            for (StreamImpl stream : streams.values()) {
                stream.closed = true;
                node.release(IdSpace.STREAM, stream.realId);
            }
            streams.clear();
            descriptors.clear();
            runlist.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
