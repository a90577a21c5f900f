package dev.haven.ipc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

import dev.haven.api.ipc.Ipc;
import dev.haven.api.ipc.Message;
import dev.haven.api.ipc.MsqidDs;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/** A System V message queue, {@code ipc/msg.c} in behaviour. State guarded by {@link #lock}. */
final class MsgQueue extends IpcObject {
    final LinkedList<Message> messages = new LinkedList<>();
    long cbytes;
    long qbytes;
    long stime;
    long rtime;
    int lspid;
    int lrpid;

    MsgQueue(int id, int realId, Perm perm, long qbytes, long ctime) {
        super(id, realId, perm, ctime);
        this.qbytes = qbytes;
    }

    @Override
    String kind() {
        return "msg";
    }

    void send(SystemCalls caller, long type, byte[] data, int flags) {
        lock.lock();
        try {
            perm.check(caller.credentials(), Perm.WRITE, "msgsnd");
            // Linux counts both bytes and messages against msg_qbytes.
            while (data.length + cbytes > qbytes || 1 + messages.size() > qbytes) {
                if ((flags & Ipc.IPC_NOWAIT) != 0) {
                    throw new KernelException(Errno.EAGAIN, "msgsnd: queue " + id + " is full (" + cbytes + " of "
                            + qbytes + " bytes) and IPC_NOWAIT was given");
                }
                await(caller, 0);
                checkNotRemoved("msgsnd");
            }
            messages.add(new Message(type, data.clone()));
            cbytes += data.length;
            stime = now();
            lspid = caller.pid();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Message receive(SystemCalls caller, int size, long type, int flags) {
        lock.lock();
        try {
            perm.check(caller.credentials(), Perm.READ, "msgrcv");
            while (true) {
                Iterator<Message> found = find(type, flags);
                if (found != null) {
                    Message message = found.next();
                    if (message.data().length > size && (flags & Ipc.MSG_NOERROR) == 0) {
                        throw new KernelException(Errno.E2BIG, "msgrcv: the message has " + message.data().length
                                + " bytes, more than msgsz " + size + ", and MSG_NOERROR was not given");
                    }
                    found.remove();
                    cbytes -= message.data().length;
                    rtime = now();
                    lrpid = caller.pid();
                    changed.signalAll();
                    byte[] data = message.data().length > size ? java.util.Arrays.copyOf(message.data(), size) : message.data();
                    return new Message(message.type(), data);
                }
                if ((flags & Ipc.IPC_NOWAIT) != 0) {
                    throw new KernelException(Errno.ENOMSG, "msgrcv: no message of type " + type + " in queue " + id);
                }
                await(caller, 0);
                checkNotRemoved("msgrcv");
            }
        } finally {
            lock.unlock();
        }
    }

    /** An iterator positioned so that next() returns the wanted message, or null. */
    private Iterator<Message> find(long type, int flags) {
        if (type < 0) {
            long lowest = Long.MAX_VALUE;
            int at = -1;
            int index = 0;
            for (Message message : messages) {
                if (message.type() <= -type && message.type() < lowest) {
                    lowest = message.type();
                    at = index;
                }
                index++;
            }
            return at < 0 ? null : messages.listIterator(at);
        }
        int index = 0;
        for (Message message : messages) {
            boolean match = type == 0 || ((flags & Ipc.MSG_EXCEPT) != 0 ? message.type() != type : message.type() == type);
            if (match) {
                return messages.listIterator(index);
            }
            index++;
        }
        return null;
    }

    MsqidDs stat() {
        return new MsqidDs(perm.snapshot(), stime, rtime, ctime, cbytes, messages.size(), qbytes, lspid, lrpid);
    }

    List<Message> copyOfMessages() {
        return new ArrayList<>(messages);
    }
}
