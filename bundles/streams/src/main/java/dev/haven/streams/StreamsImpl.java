package dev.haven.streams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.haven.api.accounting.Resource;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.streams.IocBlock;
import dev.haven.api.streams.LinkBlock;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.OpenInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StrIoctl;
import dev.haven.api.streams.StrMessage;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.Streams;

/**
 * STREAMS system calls as one process makes them: argument checks, then the stream head, every call
 * through the freeze gate and under the partition's perimeter, service procedures run before it returns.
 */
final class StreamsImpl implements Streams {
    /** SVR4's nstrpush: at most this many modules on a stream. */
    static final int NSTRPUSH = 9;
    /** SVR4's strctlsz: the largest control part putmsg accepts. */
    static final int STRCTLSZ = 1024;
    /** SVR4's strmsgsz: the largest data part of one message. */
    static final int STRMSGSZ = 65536;
    /** The default wait for an I_STR acknowledgement (SVR4: 15 s). */
    static final int DEFAULT_IOCTL_TIMEOUT_MS = 15_000;
    private static final Pattern DEVICE = Pattern.compile("([a-z][a-z0-9_-]{0,14})(?:/(\\d{1,9}))?");
    private static final int RPROTMASK = RPROTDAT | RPROTDIS | RPROTNORM;
    private static final int ALL_EVENTS = 0x03FF;

    private final SystemCalls caller;
    private final StreamsFramework framework;

    StreamsImpl(SystemCalls caller, StreamsFramework framework) {
        this.caller = caller;
        this.framework = framework;
    }

    private <T> T call(String name, Function<Namespace, T> body) {
        return caller.call(name, () -> {
            Namespace ns = framework.namespace(caller);
            ns.lock.lock();
            try {
                return body.apply(ns);
            } finally {
                try {
                    ns.runqueues();
                } finally {
                    ns.lock.unlock();
                }
            }
        });
    }

    private static StreamImpl stream(Namespace ns, int fd, String call) {
        StreamImpl stream = ns.descriptors.get(fd);
        if (stream == null) {
            throw new KernelException(Errno.EBADF, call + ": " + fd + " is not an open descriptor");
        }
        if (stream.linkedUnder != null) {
            throw new KernelException(Errno.EINVAL, call + ": stream " + fd + " is linked under a multiplexor (mux id "
                    + stream.muxId + ")");
        }
        return stream;
    }

    static Errno errno(int number, Errno otherwise) {
        for (Errno errno : Errno.values()) {
            if (errno.number() == number) {
                return errno;
            }
        }
        return otherwise;
    }

    /** A descriptor opened for writing only cannot read, and one opened for reading only cannot write (EBADF). */
    private static void checkAccess(StreamImpl stream, int denied, String call) {
        if ((stream.headState().flags & denied) != 0) {
            throw new KernelException(Errno.EBADF, call + ": the descriptor was opened "
                    + (denied == StreamHead.WRONLY ? "O_WRONLY" : "O_RDONLY"));
        }
    }

    /** The errors a stream head reports before any read: an M_ERROR for reads. */
    private static void checkRead(StreamHead head, String call) {
        if ((head.flags & StreamHead.STRDERR) != 0) {
            throw new KernelException(errno(head.readError, Errno.EIO), call + ": the stream reported an error (M_ERROR)");
        }
    }

    /** The errors a stream head reports before any write: M_ERROR, hangup, a pipe whose other end is closed. */
    private static void checkWrite(StreamImpl stream, String call) {
        StreamHead head = stream.headState();
        if ((head.flags & StreamHead.STWRERR) != 0) {
            throw new KernelException(errno(head.writeError, Errno.EIO), call + ": the stream reported an error (M_ERROR)");
        }
        if (stream.driver.component == null && stream.peer == null) {
            throw new KernelException(Errno.EPIPE, call + ": the other end of the pipe is closed");
        }
        if (head.hungUp()) {
            throw new KernelException(Errno.ENXIO, call + ": the stream is hung up");
        }
    }

    private boolean nonblocking(StreamImpl stream) {
        return (stream.headState().flags & StreamHead.NDELAY) != 0;
    }

    // ---- open, pipe, close

    @Override
    public int open(String device, int flags) {
        return call("open", ns -> {
            if (device == null) {
                throw new KernelException(Errno.EFAULT, "open: no device name");
            }
            if ((flags & ~(O_RDWR | 01 | O_NONBLOCK)) != 0 || (flags & 03) == 03) {
                throw new KernelException(Errno.EINVAL, "open: flags 0" + Integer.toOctalString(flags)
                        + " are not an access mode (O_RDONLY, O_WRONLY, O_RDWR) with O_NONBLOCK");
            }
            Matcher matcher = DEVICE.matcher(device);
            if (!matcher.matches()) {
                throw new KernelException(Errno.ENOENT, "open: '" + device + "' is not a STREAMS device name (NAME or NAME/MINOR)");
            }
            StreamDriver driver = framework.driver(matcher.group(1)).orElseThrow(() -> new KernelException(Errno.ENOENT,
                    "open: no STREAMS driver named '" + matcher.group(1) + "'; installed: " + framework.driverNames()));
            checkStreamLimit(ns, 1, "open");
            StreamImpl stream = ns.newStream(ns.allocateStreamId());
            StreamHandler handler = driver.create();
            stream.setDriver(driver.info().name(), driver, handler);
            stream.relink();
            if ((flags & O_NONBLOCK) != 0) {
                stream.headState().flags |= StreamHead.NDELAY;
            }
            if ((flags & 03) != O_RDWR) {
                stream.headState().flags |= (flags & 03) == 0 ? StreamHead.RDONLY : StreamHead.WRONLY;
            }
            int minor = matcher.group(2) == null ? -1 : Integer.parseInt(matcher.group(2));
            try {
                handler.open(stream.driver.rq, new OpenInfo(ns.partition, caller.credentials(), stream.id, minor));
            } catch (RuntimeException failed) {
                drop(ns, stream);
                throw failed;
            }
            int fd = ns.allocateDescriptor();
            ns.descriptors.put(fd, stream);
            return fd;
        });
    }

    private void checkStreamLimit(Namespace ns, int more, String call) {
        long max = caller.limit(StreamsFramework.LIMIT_STREAMS, StreamsFramework.DEFAULT_STREAMS);
        if (ns.streams.size() + more > max) {
            throw new KernelException(Errno.ENOSR, call + ": the partition has " + ns.streams.size() + " streams, its limit "
                    + StreamsFramework.LIMIT_STREAMS + " is " + max);
        }
    }

    /** Takes a stream out that never got a descriptor. */
    private static void drop(Namespace ns, StreamImpl stream) {
        stream.closed = true;
        ns.streams.remove(stream.id);
        ns.node.release(IdSpace.STREAM, stream.realId);
    }

    @Override
    public int[] pipe() {
        return call("pipe", ns -> {
            checkStreamLimit(ns, 2, "pipe");
            StreamImpl a = ns.newStream(ns.allocateStreamId());
            StreamImpl b = ns.newStream(ns.allocateStreamId());
            a.setDriver(PipeEnd.NAME, null, new PipeEnd());
            b.setDriver(PipeEnd.NAME, null, new PipeEnd());
            a.peer = b;
            b.peer = a;
            a.relink();
            b.relink();
            int fa = ns.allocateDescriptor();
            ns.descriptors.put(fa, a);
            int fb = ns.allocateDescriptor();
            ns.descriptors.put(fb, b);
            return new int[] { fa, fb };
        });
    }

    @Override
    public void close(int fd) {
        call("close", ns -> {
            StreamImpl stream = ns.descriptors.remove(fd);
            if (stream == null) {
                throw new KernelException(Errno.EBADF, "close: " + fd + " is not an open descriptor");
            }
            if (stream.linkedUnder == null) {
                closeStream(ns, stream);
            }
            return null;
        });
    }

    /** The last close: unlink what is linked under it, pop every module, close the driver, hang up a pipe's other end. */
    private void closeStream(Namespace ns, StreamImpl stream) {
        for (StreamImpl lower : new ArrayList<>(stream.lowers.values())) {
            unlinkOne(ns, stream, lower, false);
        }
        while (!stream.modules.isEmpty()) {
            Pair top = stream.modules.get(0);
            top.handler.close(top.rq);
            stream.modules.remove(0);
            stream.relink();
        }
        stream.driver.handler.close(stream.driver.rq);
        StreamImpl peer = stream.peer;
        if (peer != null) {
            peer.peer = null;
            stream.peer = null;
            stream.relink();
            peer.relink();
            peer.driver.rq.putnext(MessageBlock.of(MessageType.M_HANGUP));
        }
        stream.closed = true;
        ns.streams.remove(stream.id);
        ns.node.release(IdSpace.STREAM, stream.realId);
        ns.wake();
    }

    // ---- module ioctls

    @Override
    public void push(int fd, String module) {
        call("ioctl(I_PUSH)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_PUSH");
            if (module == null) {
                throw new KernelException(Errno.EFAULT, "I_PUSH: no module name");
            }
            StreamModule component = framework.module(module).orElseThrow(() -> new KernelException(Errno.EINVAL,
                    "I_PUSH: no STREAMS module named '" + module + "'; installed: " + framework.moduleNames()));
            if (stream.modules.size() >= NSTRPUSH) {
                throw new KernelException(Errno.EINVAL, "I_PUSH: stream " + fd + " already has " + NSTRPUSH
                        + " modules (nstrpush)");
            }
            StreamHead head = stream.headState();
            checkRead(head, "I_PUSH");
            if (head.hungUp()) {
                throw new KernelException(Errno.ENXIO, "I_PUSH: the stream is hung up");
            }
            StreamHandler handler = component.create();
            Pair pair = new Pair(stream, component.info().name(), component.info(), component, handler, false, null);
            stream.modules.add(0, pair);
            stream.relink();
            try {
                handler.open(pair.rq, new OpenInfo(ns.partition, caller.credentials(), stream.id, -1));
            } catch (RuntimeException failed) {
                stream.modules.remove(0);
                stream.relink();
                throw failed;
            }
            return null;
        });
    }

    @Override
    public void pop(int fd) {
        call("ioctl(I_POP)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_POP");
            if (stream.modules.isEmpty()) {
                throw new KernelException(Errno.EINVAL, "I_POP: no module is pushed on stream " + fd);
            }
            if (stream.headState().hungUp()) {
                throw new KernelException(Errno.ENXIO, "I_POP: the stream is hung up");
            }
            Pair top = stream.modules.get(0);
            top.handler.close(top.rq);
            stream.modules.remove(0);
            stream.relink();
            // What the module still held goes on to the queues that take its place, as qprocsoff leaves nothing behind.
            for (MessageBlock message : top.rq.all()) {
                stream.head.rq.pair.handler.put(stream.head.rq, message);
            }
            for (MessageBlock message : top.wq.all()) {
                stream.head.wq.next.pair.handler.put(stream.head.wq.next, message);
            }
            return null;
        });
    }

    @Override
    public String look(int fd) {
        return call("ioctl(I_LOOK)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_LOOK");
            if (stream.modules.isEmpty()) {
                throw new KernelException(Errno.EINVAL, "I_LOOK: no module is pushed on stream " + fd);
            }
            return stream.modules.get(0).name;
        });
    }

    @Override
    public List<String> list(int fd) {
        return call("ioctl(I_LIST)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_LIST");
            List<String> names = new ArrayList<>();
            stream.modules.forEach(pair -> names.add(pair.name));
            names.add(stream.driverName());
            return List.copyOf(names);
        });
    }

    @Override
    public boolean find(int fd, String module) {
        return call("ioctl(I_FIND)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_FIND");
            if (module == null || !module.matches("[a-z][a-z0-9_-]{0,14}")) {
                throw new KernelException(Errno.EINVAL, "I_FIND: '" + module + "' is not a module name");
            }
            return stream.modules.stream().anyMatch(pair -> pair.name.equals(module));
        });
    }

    // ---- ioctls that travel down the stream

    @Override
    public StrIoctl str(int fd, StrIoctl ioctl) {
        return call("ioctl(I_STR)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_STR");
            if (ioctl == null) {
                throw new KernelException(Errno.EFAULT, "I_STR: no strioctl");
            }
            if (ioctl.timeout() < -1) {
                throw new KernelException(Errno.EINVAL, "I_STR: ic_timout must be -1, 0 or positive, not " + ioctl.timeout());
            }
            if (ioctl.data().length > STRMSGSZ) {
                throw new KernelException(Errno.EINVAL, "I_STR: ic_len " + ioctl.data().length + " is more than strmsgsz " + STRMSGSZ);
            }
            int timeout = ioctl.timeout() == 0 ? DEFAULT_IOCTL_TIMEOUT_MS : ioctl.timeout();
            MessageBlock data = MessageBlock.of(MessageType.M_DATA, ioctl.data());
            MessageBlock ack = roundTrip(ns, stream, "I_STR", ioctl.cmd(), ioctl.data().length, data, null, null, timeout);
            byte[] back = ack.cont() == null ? new byte[0] : ack.cont().chainBytes();
            return new StrIoctl(ioctl.cmd(), ioctl.timeout(), back, ack.ioc().rval());
        });
    }

    @Override
    public int ioctl(int fd, int cmd, byte[] arg) {
        return call("ioctl", ns -> {
            StreamImpl stream = stream(ns, fd, "ioctl");
            if ((cmd & 0xFF00) == 0x5300) {
                throw new KernelException(Errno.EINVAL, "ioctl: 0x" + Integer.toHexString(cmd)
                        + " is a stream head command; use its own call (push, str, flush...)");
            }
            if (arg == null) {
                throw new KernelException(Errno.EFAULT, "ioctl: no argument buffer");
            }
            // A transparent ioctl's data is the argument's address; the caller's buffer starts at 0.
            MessageBlock address = MessageBlock.allocate(4).append(new byte[4]);
            MessageBlock ack = roundTrip(ns, stream, "ioctl", cmd, IocBlock.TRANSPARENT, address, arg, null,
                    DEFAULT_IOCTL_TIMEOUT_MS);
            return ack.ioc().rval();
        });
    }

    /**
     * Sends an M_IOCTL down and waits for its answer, one ioctl at a time per stream, serving M_COPYIN and
     * M_COPYOUT of a transparent ioctl from {@code arg}. Returns the M_IOCACK; an M_IOCNAK fails with its errno.
     */
    private MessageBlock roundTrip(Namespace ns, StreamImpl stream, String call, int cmd, int count, MessageBlock data,
            byte[] arg, LinkBlock link, int timeoutMs) {
        StreamHead head = stream.headState();
        long deadline = timeoutMs < 0 ? 0 : System.nanoTime() + timeoutMs * 1_000_000L;
        while (head.iocId != 0) {
            if (!ns.await(caller, deadline)) {
                throw new KernelException(Errno.ETIME, call + ": another ioctl on the stream did not finish in " + timeoutMs + " ms");
            }
        }
        checkWrite(stream, call);
        IocBlock ioc = new IocBlock(cmd, caller.credentials(), ns.nextIocId++, count);
        ioc.link(link);
        MessageBlock message = MessageBlock.ioctl(MessageType.M_IOCTL, ioc);
        message.cont(data);
        head.iocId = ioc.id();
        head.iocReply = null;
        try {
            head.wq().putnext(message);
            while (true) {
                ns.runqueues();
                MessageBlock reply = head.iocReply;
                if (reply == null) {
                    if (head.hungUp() || stream.closed) {
                        throw new KernelException(Errno.ENXIO, call + ": the stream hung up before answering the ioctl");
                    }
                    if (!ns.await(caller, deadline)) {
                        throw new KernelException(Errno.ETIME, call + ": no acknowledgement of ioctl 0x"
                                + Integer.toHexString(cmd) + " within " + timeoutMs + " ms");
                    }
                    continue;
                }
                head.iocReply = null;
                switch (reply.type()) {
                    case M_IOCACK -> {
                        return reply;
                    }
                    case M_IOCNAK -> throw new KernelException(errno(reply.ioc().error(), Errno.EINVAL),
                            call + ": ioctl 0x" + Integer.toHexString(cmd) + " refused by the stream (M_IOCNAK)");
                    case M_COPYIN, M_COPYOUT -> copy(head, reply, arg);
                    default -> throw new IllegalStateException("unexpected ioctl reply " + reply);
                }
            }
        } finally {
            head.iocId = 0;
            head.iocReply = null;
            ns.wake();
        }
    }

    /** Serves an M_COPYIN or M_COPYOUT from the caller's argument and answers with M_IOCDATA. */
    private static void copy(StreamHead head, MessageBlock request, byte[] arg) {
        IocBlock ioc = request.ioc();
        boolean in = request.type() == MessageType.M_COPYIN;
        MessageBlock data = request.unlink();
        boolean fits = arg != null && ioc.address() >= 0 && ioc.size() >= 0 && (long) ioc.address() + ioc.size() <= arg.length;
        request.type(MessageType.M_IOCDATA);
        if (!fits) {
            // As the SVR4 stream head: tell the module the copy failed, and end the ioctl here.
            ioc.error(Errno.EFAULT.number());
            head.wq().putnext(request);
            throw new KernelException(Errno.EFAULT, "ioctl: the module asked to copy " + ioc.size() + " bytes at " + ioc.address()
                    + (in ? " from" : " to") + " an argument of " + (arg == null ? 0 : arg.length) + " bytes");
        }
        if (in) {
            ioc.error(0);
            request.cont(MessageBlock.of(MessageType.M_DATA, arg, ioc.address(), ioc.size()));
        } else {
            ioc.error(0);
            byte[] out = data == null ? new byte[0] : data.chainBytes();
            System.arraycopy(out, 0, arg, ioc.address(), Math.min(out.length, ioc.size()));
        }
        head.wq().putnext(request);
    }

    @Override
    public int[] nread(int fd) {
        return call("ioctl(I_NREAD)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_NREAD");
            List<MessageBlock> queued = stream.head.rq.all();
            int messages = 0;
            for (MessageBlock message : queued) {
                if (message.type() != MessageType.M_SIG) {
                    messages++;
                }
            }
            MessageBlock first = queued.stream().filter(m -> m.type() != MessageType.M_SIG).findFirst().orElse(null);
            return new int[] { messages, first == null ? 0 : first.dataSize() };
        });
    }

    @Override
    public Optional<StrMessage> peek(int fd, int controlMax, int dataMax, int flags) {
        return call("ioctl(I_PEEK)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_PEEK");
            if (flags != 0 && flags != RS_HIPRI) {
                throw new KernelException(Errno.EINVAL, "I_PEEK: flags must be 0 or RS_HIPRI, not " + flags);
            }
            checkRead(stream.headState(), "I_PEEK");
            MessageBlock first = stream.head.rq.first();
            if (first == null || first.type() == MessageType.M_SIG || (flags == RS_HIPRI && !first.type().highPriority())) {
                return Optional.empty();
            }
            Parts parts = Parts.of(first);
            byte[] control = parts.control == null ? null : Arrays.copyOf(parts.control, Math.min(parts.control.length, Math.max(controlMax, 0)));
            byte[] data = parts.data == null ? null : Arrays.copyOf(parts.data, Math.min(parts.data.length, Math.max(dataMax, 0)));
            return Optional.of(new StrMessage(control, data, first.band(), first.type().highPriority() ? RS_HIPRI : 0, 0));
        });
    }

    @Override
    public void flush(int fd, int flag) {
        call("ioctl(I_FLUSH)", ns -> {
            StreamImpl stream = stream(ns, fd, "I_FLUSH");
            if (flag != FLUSHR && flag != FLUSHW && flag != FLUSHRW) {
                throw new KernelException(Errno.EINVAL, "I_FLUSH: flag must be FLUSHR, FLUSHW or FLUSHRW, not " + flag);
            }
            if (stream.headState().hungUp()) {
                throw new KernelException(Errno.ENXIO, "I_FLUSH: the stream is hung up");
            }
            if ((flag & FLUSHR) != 0) {
                stream.head.rq.flush(Queue.FLUSHDATA);
            }
            stream.head.wq.putnext(MessageBlock.of(MessageType.M_FLUSH).append(flag));
            return null;
        });
    }

    @Override
    public void setReadOptions(int fd, int options) {
        call("ioctl(I_SRDOPT)", ns -> {
            StreamHead head = stream(ns, fd, "I_SRDOPT").headState();
            int mode = options & 0x3;
            int protocol = options & RPROTMASK;
            if ((options & ~(0x3 | RPROTMASK)) != 0 || mode == 0x3 || Integer.bitCount(protocol) > 1) {
                throw new KernelException(Errno.EINVAL, "I_SRDOPT: 0x" + Integer.toHexString(options)
                        + " is not one read mode (RNORM, RMSGD, RMSGN) with at most one of RPROTNORM, RPROTDAT, RPROTDIS");
            }
            head.readOptions = mode | (protocol == 0 ? head.readOptions & RPROTMASK : protocol);
            return null;
        });
    }

    @Override
    public int readOptions(int fd) {
        return call("ioctl(I_GRDOPT)", ns -> stream(ns, fd, "I_GRDOPT").headState().readOptions);
    }

    @Override
    public void setSignals(int fd, int events) {
        call("ioctl(I_SETSIG)", ns -> {
            StreamHead head = stream(ns, fd, "I_SETSIG").headState();
            if ((events & ~ALL_EVENTS) != 0) {
                throw new KernelException(Errno.EINVAL, "I_SETSIG: 0x" + Integer.toHexString(events) + " has bits that are no S_* event");
            }
            if (events == 0) {
                if (head.signals.remove(caller.pid()) == null) {
                    throw new KernelException(Errno.EINVAL, "I_SETSIG: process " + caller.pid() + " is not registered on stream " + fd);
                }
                head.pending.remove(caller.pid());
            } else {
                head.signals.put(caller.pid(), events);
            }
            return null;
        });
    }

    @Override
    public int signals(int fd) {
        return call("ioctl(I_GETSIG)", ns -> {
            Integer events = stream(ns, fd, "I_GETSIG").headState().signals.get(caller.pid());
            if (events == null) {
                throw new KernelException(Errno.EINVAL, "I_GETSIG: process " + caller.pid() + " is not registered on stream " + fd);
            }
            return events;
        });
    }

    @Override
    public int takeSignals(int fd) {
        return call("sigpoll", ns -> {
            Integer events = stream(ns, fd, "sigpoll").headState().pending.remove(caller.pid());
            return events == null ? 0 : events;
        });
    }

    // ---- multiplexing

    @Override
    public int link(int fd, int lowerFd) {
        return call("ioctl(I_LINK)", ns -> {
            StreamImpl upper = stream(ns, fd, "I_LINK");
            StreamImpl lower = stream(ns, lowerFd, "I_LINK");
            StreamHandler multiplexor = upper.driver.component instanceof StreamDriver driver
                    ? driver.multiplexor().orElse(null) : null;
            if (multiplexor == null) {
                throw new KernelException(Errno.EINVAL, "I_LINK: the driver of stream " + fd + " (" + upper.driverName()
                        + ") is not a multiplexing driver");
            }
            if (lower == upper || linksAbove(upper, lower)) {
                throw new KernelException(Errno.EINVAL, "I_LINK: linking stream " + lowerFd + " under " + fd + " would make a cycle");
            }
            int muxId = ns.nextMuxId++;
            lower.head.handler = multiplexor;
            lower.head.rq.ptr(null);
            lower.head.wq.ptr(null);
            try {
                roundTrip(ns, upper, "I_LINK", I_LINK, 0, null, null, new LinkBlock(upper.driver.wq, lower.head.wq, muxId),
                        DEFAULT_IOCTL_TIMEOUT_MS);
            } catch (RuntimeException failed) {
                lower.head.handler = lower.head.head;
                throw failed;
            }
            lower.linkedUnder = upper;
            lower.muxId = muxId;
            upper.lowers.put(muxId, lower);
            return muxId;
        });
    }

    /** Whether {@code candidate} is {@code upper} or a stream {@code upper} is linked under, directly or not. */
    private static boolean linksAbove(StreamImpl upper, StreamImpl candidate) {
        for (StreamImpl at = upper; at != null; at = at.linkedUnder) {
            if (at == candidate) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void unlink(int fd, int muxId) {
        call("ioctl(I_UNLINK)", ns -> {
            StreamImpl upper = stream(ns, fd, "I_UNLINK");
            if (muxId == -1) {
                for (StreamImpl lower : new ArrayList<>(upper.lowers.values())) {
                    unlinkOne(ns, upper, lower, true);
                }
                return null;
            }
            StreamImpl lower = upper.lowers.get(muxId);
            if (lower == null) {
                throw new KernelException(Errno.EINVAL, "I_UNLINK: no stream is linked under " + fd + " with mux id " + muxId);
            }
            unlinkOne(ns, upper, lower, true);
            return null;
        });
    }

    private void unlinkOne(Namespace ns, StreamImpl upper, StreamImpl lower, boolean failLoudly) {
        try {
            roundTrip(ns, upper, "I_UNLINK", I_UNLINK, 0, null, null, new LinkBlock(upper.driver.wq, lower.head.wq, lower.muxId),
                    DEFAULT_IOCTL_TIMEOUT_MS);
        } catch (KernelException refused) {
            if (failLoudly) {
                throw refused;
            }
        }
        upper.lowers.remove(lower.muxId);
        lower.head.handler = lower.head.head;
        lower.head.rq.ptr(null);
        lower.head.wq.ptr(null);
        lower.linkedUnder = null;
        lower.muxId = -1;
        if (!ns.descriptors.containsValue(lower)) {
            closeStream(ns, lower);
        }
    }

    // ---- messages

    @Override
    public void putmsg(int fd, byte[] control, byte[] data, int band, int flags) {
        call("putmsg", ns -> {
            StreamImpl stream = stream(ns, fd, "putmsg");
            checkAccess(stream, StreamHead.RDONLY, "putmsg");
            boolean high = flags == MSG_HIPRI;
            if (flags != 0 && flags != MSG_HIPRI && flags != MSG_BAND) {
                throw new KernelException(Errno.EINVAL, "putmsg: flags must be 0, MSG_HIPRI or MSG_BAND, not " + flags);
            }
            if (band < 0 || band > 255 || (flags != MSG_BAND && band != 0)) {
                throw new KernelException(Errno.EINVAL, "putmsg: band " + band + " needs MSG_BAND and must be 0..255");
            }
            if (high && control == null) {
                throw new KernelException(Errno.EINVAL, "putmsg: MSG_HIPRI needs a control part");
            }
            checkWrite(stream, "putmsg");
            if (control == null && data == null) {
                return null;
            }
            StreamHead head = stream.headState();
            if (control != null && control.length > STRCTLSZ) {
                throw new KernelException(Errno.ERANGE, "putmsg: control part of " + control.length + " bytes is more than strctlsz " + STRCTLSZ);
            }
            if (data != null) {
                int max = head.maxPacket();
                if (data.length < head.minPacket() || (max != ModuleInfo.INFPSZ && data.length > max) || data.length > STRMSGSZ) {
                    throw new KernelException(Errno.ERANGE, "putmsg: data part of " + data.length + " bytes is outside the packet sizes "
                            + head.minPacket() + ".." + (max == ModuleInfo.INFPSZ ? "INFPSZ" : max) + " of the stream");
                }
            }
            MessageBlock message = control != null
                    ? MessageBlock.of(high ? MessageType.M_PCPROTO : MessageType.M_PROTO, control)
                    : MessageBlock.of(MessageType.M_DATA, data);
            if (control != null && data != null) {
                message.cont(MessageBlock.of(MessageType.M_DATA, data));
            }
            if (!high) {
                message.band(band);
                waitForRoom(ns, stream, band, "putmsg");
            }
            head.wq().putnext(message);
            caller.usage(Resource.STREAMS_MSGS_OUT, 1);
            caller.usage(Resource.STREAMS_BYTES_OUT, (control == null ? 0 : control.length) + (data == null ? 0 : data.length));
            return null;
        });
    }

    /** Waits until the stream below the head takes band {@code band} again (flow control), or fails EAGAIN when non-blocking. */
    private void waitForRoom(Namespace ns, StreamImpl stream, int band, String call) {
        StreamHead head = stream.headState();
        while (!head.wq().bcanputnext(band)) {
            if (nonblocking(stream)) {
                throw new KernelException(Errno.EAGAIN, call + ": the stream is flow-controlled and O_NONBLOCK is set");
            }
            head.writers++;
            try {
                ns.await(caller, 0);
            } finally {
                head.writers--;
            }
            if (stream.closed) {
                throw new KernelException(Errno.EBADF, call + ": the stream was closed while waiting");
            }
            checkWrite(stream, call);
        }
    }

    @Override
    public int write(int fd, byte[] data) {
        return call("write", ns -> {
            StreamImpl stream = stream(ns, fd, "write");
            checkAccess(stream, StreamHead.RDONLY, "write");
            if (data == null) {
                throw new KernelException(Errno.EFAULT, "write: no buffer");
            }
            checkWrite(stream, "write");
            StreamHead head = stream.headState();
            if (data.length < head.minPacket()) {
                throw new KernelException(Errno.ERANGE, "write: " + data.length + " bytes is less than the stream's minimum packet size "
                        + head.minPacket());
            }
            // A maximum packet size of 0 (a module that takes no data) still lets write(2) make progress, one byte a message.
            int packet = head.maxPacket() == ModuleInfo.INFPSZ ? STRMSGSZ : Math.max(1, Math.min(head.maxPacket(), STRMSGSZ));
            int written = 0;
            while (written < data.length) {
                if (!head.wq().canputnext() && nonblocking(stream)) {
                    if (written > 0) {
                        return written;
                    }
                    throw new KernelException(Errno.EAGAIN, "write: the stream is flow-controlled and O_NONBLOCK is set");
                }
                waitForRoom(ns, stream, 0, "write");
                int length = Math.min(packet, data.length - written);
                head.wq().putnext(MessageBlock.of(MessageType.M_DATA, data, written, length));
                written += length;
                caller.usage(Resource.STREAMS_MSGS_OUT, 1);
                caller.usage(Resource.STREAMS_BYTES_OUT, length);
            }
            return written;
        });
    }

    /** A message's control and data parts (null when absent). */
    record Parts(byte[] control, byte[] data) {
        static Parts of(MessageBlock message) {
            int control = 0;
            int data = 0;
            boolean hasControl = false;
            boolean hasData = false;
            for (MessageBlock block = message; block != null; block = block.cont()) {
                if (block.type() == MessageType.M_DATA) {
                    data += block.length();
                    hasData = true;
                } else {
                    control += block.length();
                    hasControl = true;
                }
            }
            byte[] c = hasControl ? new byte[control] : null;
            byte[] d = hasData ? new byte[data] : null;
            int ci = 0;
            int di = 0;
            for (MessageBlock block = message; block != null; block = block.cont()) {
                if (block.type() == MessageType.M_DATA) {
                    System.arraycopy(block.buffer(), block.readOffset(), d, di, block.length());
                    di += block.length();
                } else {
                    System.arraycopy(block.buffer(), block.readOffset(), c, ci, block.length());
                    ci += block.length();
                }
            }
            return new Parts(c, d);
        }
    }

    @Override
    public StrMessage getmsg(int fd, int controlMax, int dataMax, int band, int flags) {
        return call("getmsg", ns -> {
            StreamImpl stream = stream(ns, fd, "getmsg");
            checkAccess(stream, StreamHead.WRONLY, "getmsg");
            if (flags != 0 && flags != MSG_ANY && flags != MSG_BAND && flags != MSG_HIPRI) {
                throw new KernelException(Errno.EINVAL, "getmsg: flags must be MSG_ANY, MSG_BAND or MSG_HIPRI, not " + flags);
            }
            if (band < 0 || band > 255 || (flags != MSG_BAND && band != 0)) {
                throw new KernelException(Errno.EINVAL, "getmsg: band " + band + " needs MSG_BAND and must be 0..255");
            }
            StreamHead head = stream.headState();
            QueueImpl rq = head.rq();
            while (true) {
                checkRead(head, "getmsg");
                MessageBlock first = takeSignalsAtFront(head);
                if (first != null && (flags == MSG_HIPRI ? first.type().highPriority()
                        : flags != MSG_BAND || first.type().highPriority() || first.band() >= band)) {
                    rq.getq();
                    StrMessage taken = split(rq, first, controlMax, dataMax, flags == 0);
                    caller.usage(Resource.STREAMS_MSGS_IN, 1);
                    caller.usage(Resource.STREAMS_BYTES_IN, (taken.control() == null ? 0 : taken.control().length)
                            + (taken.data() == null ? 0 : taken.data().length));
                    return taken;
                }
                if (head.hungUp() && first == null) {
                    return new StrMessage(new byte[0], new byte[0], 0, 0, 0);
                }
                if (nonblocking(stream)) {
                    throw new KernelException(Errno.EAGAIN, "getmsg: no message on the stream head and O_NONBLOCK is set");
                }
                head.readers++;
                try {
                    ns.await(caller, 0);
                } finally {
                    head.readers--;
                }
                if (stream.closed) {
                    throw new KernelException(Errno.EBADF, "getmsg: the stream was closed while waiting");
                }
            }
        });
    }

    /** M_SIG messages that reached the front of the stream head are delivered as S_MSG; returns the first other message. */
    private static MessageBlock takeSignalsAtFront(StreamHead head) {
        MessageBlock first;
        while ((first = head.rq().first()) != null && first.type() == MessageType.M_SIG) {
            head.rq().getq();
            head.post(S_MSG);
        }
        return first;
    }

    /** Takes what fits of the message's parts; what does not fit goes back to the front (MORECTL, MOREDATA). */
    private static StrMessage split(QueueImpl rq, MessageBlock message, int controlMax, int dataMax, boolean getmsgFlags) {
        Parts parts = Parts.of(message);
        int c = parts.control == null ? 0 : Math.min(parts.control.length, Math.max(controlMax, 0));
        int d = parts.data == null ? 0 : Math.min(parts.data.length, Math.max(dataMax, 0));
        int more = (parts.control != null && c < parts.control.length ? MORECTL : 0)
                | (parts.data != null && d < parts.data.length ? MOREDATA : 0);
        boolean high = message.type().highPriority();
        if (more != 0) {
            MessageBlock rest = (more & MORECTL) != 0
                    ? MessageBlock.of(message.type(), parts.control, c, parts.control.length - c)
                    : MessageBlock.of(high ? message.type() : MessageType.M_DATA);
            if ((more & MORECTL) == 0 && high) {
                rest.truncate(0);
            }
            if (parts.data != null && d < parts.data.length) {
                MessageBlock restData = MessageBlock.of(MessageType.M_DATA, parts.data, d, parts.data.length - d);
                if ((more & MORECTL) == 0 && !high) {
                    rest = restData;
                } else {
                    rest.cont(restData);
                }
            }
            if (!high) {
                rest.band(message.band());
            }
            rq.putbq(rest);
        }
        int flags = getmsgFlags ? (high ? RS_HIPRI : 0) : (high ? MSG_HIPRI : MSG_BAND);
        return new StrMessage(parts.control == null ? null : Arrays.copyOf(parts.control, c),
                parts.data == null ? null : Arrays.copyOf(parts.data, d), high ? 0 : message.band(), flags, more);
    }

    @Override
    public byte[] read(int fd, int max) {
        if (max < 0) {
            return call("read", ns -> {
                throw new KernelException(Errno.EINVAL, "read: count must not be negative: " + max);
            });
        }
        byte[] buffer = new byte[max];
        int got = read(fd, buffer, 0, max);
        return got == max ? buffer : Arrays.copyOf(buffer, got);
    }

    @Override
    public int read(int fd, byte[] buffer, int offset, int max) {
        return call("read", ns -> {
            StreamImpl stream = stream(ns, fd, "read");
            checkAccess(stream, StreamHead.WRONLY, "read");
            if (buffer == null) {
                throw new KernelException(Errno.EFAULT, "read: no buffer");
            }
            if (max < 0 || offset < 0 || offset > buffer.length - max) {
                throw new KernelException(Errno.EINVAL, "read: " + max + " bytes at " + offset + " do not fit a buffer of "
                        + buffer.length);
            }
            StreamHead head = stream.headState();
            QueueImpl rq = head.rq();
            while (true) {
                checkRead(head, "read");
                MessageBlock first = takeSignalsAtFront(head);
                if (first != null) {
                    if (max == 0) {
                        return 0;
                    }
                    int before = rq.messages();
                    int got = readMessages(head, rq, buffer, offset, max);
                    // a message read only in part goes back to the head, so it counts when its last byte is read
                    caller.usage(Resource.STREAMS_MSGS_IN, Math.max(0, before - rq.messages()));
                    caller.usage(Resource.STREAMS_BYTES_IN, got);
                    return got;
                }
                if (head.hungUp() || max == 0) {
                    return 0;
                }
                if (nonblocking(stream)) {
                    throw new KernelException(Errno.EAGAIN, "read: no data on the stream head and O_NONBLOCK is set");
                }
                head.readers++;
                try {
                    ns.await(caller, 0);
                } finally {
                    head.readers--;
                }
                if (stream.closed) {
                    throw new KernelException(Errno.EBADF, "read: the stream was closed while waiting");
                }
            }
        });
    }

    /** read(2) from a non-empty stream head, as the read mode and protocol option say. */
    private static int readMessages(StreamHead head, QueueImpl rq, byte[] out, int offset, int max) {
        int mode = head.readOptions & 0x3;
        int protocol = head.readOptions & RPROTMASK;
        int got = 0;
        MessageBlock message;
        while (got < max && (message = rq.first()) != null && message.type() != MessageType.M_SIG) {
            boolean control = message.type() != MessageType.M_DATA;
            if (control && protocol != RPROTDAT && protocol != RPROTDIS) {
                if (got > 0) {
                    break;
                }
                throw new KernelException(Errno.EBADMSG, "read: a " + message.type() + " message is at the stream head "
                        + "(use getmsg, or I_SRDOPT with RPROTDAT or RPROTDIS)");
            }
            rq.getq();
            if (control && protocol == RPROTDIS) {
                MessageBlock data = message;
                while (data != null && data.type() != MessageType.M_DATA) {
                    data = data.cont();
                }
                if (data == null) {
                    continue;
                }
                data.band(message.band());
                message = data;
            }
            if (message.size() == 0) {
                if (got == 0 && mode == RNORM) {
                    return 0;
                }
                if (mode == RNORM) {
                    // As SVR4's strread: a zero-length message after data ends this read and stays for the next,
                    // which returns 0 (a pty master sees its slave's last close so).
                    rq.putbq(message);
                }
                break;
            }
            MessageBlock block = message;
            while (block != null && got < max) {
                int take = Math.min(block.length(), max - got);
                System.arraycopy(block.buffer(), block.readOffset(), out, offset + got, take);
                block.skip(take);
                got += take;
                if (block.length() == 0) {
                    block = block.cont();
                }
            }
            if (block != null && mode != RMSGD) {
                // The rest of the message stays at the front (RNORM and RMSGN).
                MessageBlock rest = block;
                if (rest != message) {
                    rest = MessageBlock.of(MessageType.M_DATA, rest.chainBytes());
                    rest.band(message.band());
                }
                rq.putbq(rest);
            }
            if (mode != RNORM) {
                break;
            }
        }
        return got;
    }
}
