package dev.haven.ipc;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.ipc.MqMessage;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/**
 * A POSIX message queue, {@code ipc/mqueue.c} in behaviour: messages by priority, highest first, and by arrival
 * within a priority. State guarded by {@link #lock}.
 */
final class PosixMq extends PosixObject {
    final long maxmsg;
    final long msgsize;
    /** Priority to its messages in arrival order, highest priority first. */
    final TreeMap<Integer, ArrayDeque<byte[]>> messages = new TreeMap<>(Comparator.reverseOrder());
    long curmsgs;
    long bytes;

    PosixMq(int id, int realId, String name, Perm perm, long ctime, long maxmsg, long msgsize) {
        super(id, realId, name, perm, ctime);
        this.maxmsg = maxmsg;
        this.msgsize = msgsize;
    }

    @Override
    String kind() {
        return PosixKind.MQ.label;
    }

    /** Queues a message, waiting while full; {@code nonblock} fails with EAGAIN instead, a passed deadline with ETIMEDOUT. */
    void send(SystemCalls caller, String call, byte[] data, int priority, boolean nonblock, long deadlineNanos) {
        lock.lock();
        try {
            while (curmsgs >= maxmsg) {
                if (nonblock) {
                    throw new KernelException(Errno.EAGAIN, call + ": queue " + name + " is full (" + curmsgs
                            + " messages) and O_NONBLOCK is set");
                }
                boolean inTime = await(caller, deadlineNanos);
                checkNotRemoved(call);
                if (!inTime && curmsgs >= maxmsg) {
                    throw new KernelException(Errno.ETIMEDOUT, call + ": queue " + name + " stayed full until the timeout");
                }
            }
            add(data.clone(), priority);
            touch(caller.pid());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void add(byte[] data, int priority) {
        messages.computeIfAbsent(priority, p -> new ArrayDeque<>()).addLast(data);
        curmsgs++;
        bytes += data.length;
    }

    MqMessage receive(SystemCalls caller, String call, boolean nonblock, long deadlineNanos) {
        lock.lock();
        try {
            while (curmsgs == 0) {
                if (nonblock) {
                    throw new KernelException(Errno.EAGAIN, call + ": queue " + name + " is empty and O_NONBLOCK is set");
                }
                boolean inTime = await(caller, deadlineNanos);
                checkNotRemoved(call);
                if (!inTime && curmsgs == 0) {
                    throw new KernelException(Errno.ETIMEDOUT, call + ": queue " + name + " stayed empty until the timeout");
                }
            }
            Map.Entry<Integer, ArrayDeque<byte[]>> highest = messages.firstEntry();
            byte[] data = highest.getValue().removeFirst();
            if (highest.getValue().isEmpty()) {
                messages.remove(highest.getKey());
            }
            curmsgs--;
            bytes -= data.length;
            touch(caller.pid());
            changed.signalAll();
            return new MqMessage(data, highest.getKey());
        } finally {
            lock.unlock();
        }
    }
}
