package dev.haven.pty;

import java.nio.ByteBuffer;

import dev.haven.api.kernel.Errno;
import dev.haven.api.pty.Termios;
import dev.haven.api.pty.WinSize;
import dev.haven.api.streams.IocBlock;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.Queue;

/** The tty ioctls (Linux numbers) that travel as I_STR ioctls, their argument layouts, and the replies. */
final class Ioctls {
    static final int TCGETS = 0x5401;
    static final int TCSETS = 0x5402;
    static final int TCSETSW = 0x5403;
    static final int TCSETSF = 0x5404;
    static final int TIOCGWINSZ = 0x5413;
    static final int TIOCSWINSZ = 0x5414;
    static final int TIOCPKT = 0x5420;
    static final int TIOCGPTN = 0x80045430;
    static final int TIOCSPTLCK = 0x40045431;
    /** SVR4's grantpt ioctl on the master (OWNERPT); ownership is the partition's, so it only checks the master. */
    static final int OWNERPT = ('P' << 8) | 5;

    /** The slave's pty number (Solaris's ISPTS asks only whether it is one). */
    static final int PTSNUM = ('P' << 8) | 6;

    static final int TERMIOS_SIZE = 16 + Termios.NCCS;

    private Ioctls() {
    }

    static byte[] termios(Termios t) {
        return ByteBuffer.allocate(TERMIOS_SIZE).putInt(t.iflag()).putInt(t.oflag()).putInt(t.cflag()).putInt(t.lflag()).put(t.cc()).array();
    }

    /** The termios in an ioctl's data, or null if the data is not one. */
    static Termios termios(byte[] data) {
        if (data == null || data.length != TERMIOS_SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int i = b.getInt(), o = b.getInt(), c = b.getInt(), l = b.getInt();
        byte[] cc = new byte[Termios.NCCS];
        b.get(cc);
        return new Termios(i, o, c, l, cc);
    }

    static byte[] winsize(WinSize w) {
        return ByteBuffer.allocate(8).putShort((short) w.rows()).putShort((short) w.cols()).putShort((short) w.xpixel())
                .putShort((short) w.ypixel()).array();
    }

    static WinSize winsize(byte[] data) {
        if (data == null || data.length != 8) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        return new WinSize(b.getShort() & 0xffff, b.getShort() & 0xffff, b.getShort() & 0xffff, b.getShort() & 0xffff);
    }

    static byte[] integer(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    /** The 4-byte int argument of an ioctl, or null. */
    static Integer integer(byte[] data) {
        return data == null || data.length != 4 ? null : ByteBuffer.wrap(data).getInt();
    }

    /** The I_STR data of an M_IOCTL (empty for none). */
    static byte[] data(MessageBlock message) {
        return message.cont() == null ? new byte[0] : message.cont().chainBytes();
    }

    static void ack(Queue q, MessageBlock message, byte[] data) {
        IocBlock ioc = message.ioc();
        message.unlink();
        message.type(MessageType.M_IOCACK);
        ioc.count(data == null ? 0 : data.length);
        ioc.rval(0);
        ioc.error(0);
        message.cont(data == null ? null : MessageBlock.of(MessageType.M_DATA, data));
        q.qreply(message);
    }

    static void nak(Queue q, MessageBlock message, Errno errno) {
        message.unlink();
        message.type(MessageType.M_IOCNAK);
        message.ioc().error(errno.number());
        q.qreply(message);
    }
}
