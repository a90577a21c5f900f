package dev.haven.api.streams;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * STREAMS as a workload calls it, got from {@code PartitionKernel.extension(Streams.class)}: open a driver,
 * pipe, ioctls ({@code stropts.h}), putmsg/getmsg, read/write, close. Descriptors are virtual and belong to
 * the partition (every process of it sees the same table), and survive checkpoint and restart. Every
 * call is a safe point; a call that waits (getmsg/read on an empty stream head, putmsg/write against flow
 * control, an ioctl waiting for its acknowledgement) is woken by a freeze and restarted after it.
 * Errors are those of Solaris/SVR4 STREAMS (EBADF, EINVAL, ENOSTR, ENXIO, EAGAIN, ERANGE, ETIME, EIO...).
 */
@ProviderType
public interface Streams {
    // ioctl commands, Linux stropts.h values ('S' << 8 | n)
    int I_NREAD = 0x5301;
    int I_PUSH = 0x5302;
    int I_POP = 0x5303;
    int I_LOOK = 0x5304;
    int I_FLUSH = 0x5305;
    int I_SRDOPT = 0x5306;
    int I_GRDOPT = 0x5307;
    int I_STR = 0x5308;
    int I_SETSIG = 0x5309;
    int I_GETSIG = 0x530A;
    int I_FIND = 0x530B;
    int I_LINK = 0x530C;
    int I_UNLINK = 0x530D;
    int I_PEEK = 0x530F;
    int I_LIST = 0x5315;

    // open flags
    int O_RDWR = 02;
    int O_NONBLOCK = 04000;

    // I_FLUSH and M_FLUSH
    int FLUSHR = 0x01;
    int FLUSHW = 0x02;
    int FLUSHRW = 0x03;
    int FLUSHBAND = 0x04;

    // I_SRDOPT read modes and protocol options
    int RNORM = 0x0000;
    int RMSGD = 0x0001;
    int RMSGN = 0x0002;
    int RPROTDAT = 0x0004;
    int RPROTDIS = 0x0008;
    int RPROTNORM = 0x0010;

    // getmsg/putmsg flags and results
    int RS_HIPRI = 0x01;
    int MSG_HIPRI = 0x01;
    int MSG_ANY = 0x02;
    int MSG_BAND = 0x04;
    int MORECTL = 1;
    int MOREDATA = 2;

    // I_SETSIG events
    int S_INPUT = 0x0001;
    int S_HIPRI = 0x0002;
    int S_OUTPUT = 0x0004;
    int S_MSG = 0x0008;
    int S_ERROR = 0x0010;
    int S_HANGUP = 0x0020;
    int S_RDNORM = 0x0040;
    int S_RDBAND = 0x0080;
    int S_WRBAND = 0x0100;
    int S_BANDURG = 0x0200;

    /** Opens a new stream on the driver named {@code device} (or {@code device/MINOR}); flags O_RDWR, O_NONBLOCK. */
    int open(String device, int flags);

    /** {@code pipe(2)} on SVR4: two streams whose write sides feed each other's read sides; modules can be pushed on either end. */
    int[] pipe();

    /** Closes the descriptor; the last close of a stream pops every module and closes the driver. */
    void close(int fd);

    /** I_PUSH: pushes the module named {@code module} just below the stream head. */
    void push(int fd, String module);

    /** I_POP: pops the module just below the stream head. */
    void pop(int fd);

    /** I_LOOK: the name of the module just below the stream head. */
    String look(int fd);

    /** I_LIST: the modules top to bottom, then the driver. */
    List<String> list(int fd);

    /** I_FIND: whether the module is on the stream. */
    boolean find(int fd, String module);

    /** I_STR: sends an M_IOCTL down and waits for its M_IOCACK (the result) or M_IOCNAK (the errno). */
    StrIoctl str(int fd, StrIoctl ioctl);

    /**
     * A transparent ioctl ({@code ioctl(fd, cmd, arg)} with a command the stream head does not know):
     * {@code arg} is the caller's memory; modules reach it with M_COPYIN/M_COPYOUT. Returns ioc_rval.
     */
    int ioctl(int fd, int cmd, byte[] arg);

    /** I_NREAD: {@code [messages on the stream head, data bytes of the first]}. */
    int[] nread(int fd);

    /** I_PEEK: the first message on the stream head without taking it (RS_HIPRI: only a high-priority one). */
    Optional<StrMessage> peek(int fd, int controlMax, int dataMax, int flags);

    /** I_FLUSH: FLUSHR, FLUSHW or FLUSHRW, through the whole stream. */
    void flush(int fd, int flag);

    /** I_SRDOPT. */
    void setReadOptions(int fd, int options);

    /** I_GRDOPT. */
    int readOptions(int fd);

    /** I_SETSIG: the events this process wants SIGPOLL for (0 unregisters). */
    void setSignals(int fd, int events);

    /** I_GETSIG. */
    int signals(int fd);

    /** The SIGPOLL events that occurred for this process on {@code fd} since the last call (there are no signal handlers in a partition). */
    int takeSignals(int fd);

    /** I_LINK: links the stream {@code lower} under the multiplexing driver of {@code fd}; returns the mux id. */
    int link(int fd, int lower);

    /** I_UNLINK: undoes I_LINK (-1: every link of {@code fd}). */
    void unlink(int fd, int muxId);

    /** putmsg/putpmsg: control part (M_PROTO, or M_PCPROTO with MSG_HIPRI) and data part, in {@code band} (MSG_BAND). */
    void putmsg(int fd, byte[] control, byte[] data, int band, int flags);

    /** getmsg/getpmsg: the next message as the flags (MSG_ANY, MSG_BAND with {@code band} or higher, MSG_HIPRI) select. */
    StrMessage getmsg(int fd, int controlMax, int dataMax, int band, int flags);

    /** {@code write(2)}: M_DATA messages, split at the top queue's maximum packet size; returns the bytes written. */
    int write(int fd, byte[] data);

    /** {@code read(2)} as the read mode says; an empty array at end of file (hangup). */
    byte[] read(int fd, int max);

    /** {@code read(2)} into the caller's buffer, as the read mode says; returns the bytes read, 0 at end of file. */
    int read(int fd, byte[] buffer, int offset, int length);
}
