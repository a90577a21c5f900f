package dev.haven.api.pty;

import java.util.Arrays;

/**
 * {@code struct termios} with Linux's flag values and {@code c_cc} indices, so that tables written against
 * Linux read the same here. Immutable; the {@code with...} methods make changed copies.
 */
public record Termios(int iflag, int oflag, int cflag, int lflag, byte[] cc) {
    // c_iflag
    public static final int IGNBRK = 0000001;
    public static final int BRKINT = 0000002;
    public static final int ISTRIP = 0000040;
    public static final int INLCR = 0000100;
    public static final int IGNCR = 0000200;
    public static final int ICRNL = 0000400;
    public static final int IXON = 0002000;
    public static final int IXANY = 0004000;
    // c_oflag
    public static final int OPOST = 0000001;
    public static final int ONLCR = 0000004;
    public static final int OCRNL = 0000010;
    // c_cflag
    public static final int B38400 = 0000017;
    public static final int CS8 = 0000060;
    public static final int CREAD = 0000200;
    public static final int HUPCL = 0002000;
    // c_lflag
    public static final int ISIG = 0000001;
    public static final int ICANON = 0000002;
    public static final int ECHO = 0000010;
    public static final int ECHOE = 0000020;
    public static final int ECHOK = 0000040;
    public static final int ECHONL = 0000100;
    public static final int NOFLSH = 0000200;
    public static final int ECHOCTL = 0001000;
    public static final int ECHOKE = 0004000;
    public static final int IEXTEN = 0100000;
    // c_cc indices
    public static final int VINTR = 0;
    public static final int VQUIT = 1;
    public static final int VERASE = 2;
    public static final int VKILL = 3;
    public static final int VEOF = 4;
    public static final int VTIME = 5;
    public static final int VMIN = 6;
    public static final int VSTART = 8;
    public static final int VSTOP = 9;
    public static final int VSUSP = 10;
    public static final int VEOL = 11;
    public static final int VWERASE = 14;
    public static final int VLNEXT = 15;
    public static final int NCCS = 19;
    // tcsetattr actions
    public static final int TCSANOW = 0;
    public static final int TCSADRAIN = 1;
    public static final int TCSAFLUSH = 2;

    public Termios {
        if (cc == null || cc.length != NCCS) {
            throw new IllegalArgumentException("c_cc must have NCCS (" + NCCS + ") entries");
        }
        cc = cc.clone();
    }

    /** What Linux gives a new pty: canonical mode with echo and signals, ICRNL, IXON, OPOST|ONLCR. */
    public static Termios defaults() {
        byte[] cc = new byte[NCCS];
        cc[VINTR] = 003;
        cc[VQUIT] = 034;
        cc[VERASE] = 0177;
        cc[VKILL] = 025;
        cc[VEOF] = 004;
        cc[VTIME] = 0;
        cc[VMIN] = 1;
        cc[VSTART] = 021;
        cc[VSTOP] = 023;
        cc[VSUSP] = 032;
        cc[VEOL] = 0;
        cc[VWERASE] = 027;
        cc[VLNEXT] = 026;
        return new Termios(ICRNL | IXON, OPOST | ONLCR, B38400 | CS8 | CREAD | HUPCL,
                ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN, cc);
    }

    /** {@code cfmakeraw(3)}. */
    public Termios raw() {
        byte[] c = cc.clone();
        c[VMIN] = 1;
        c[VTIME] = 0;
        return new Termios(iflag & ~(IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | ICRNL | IXON), oflag & ~OPOST, cflag | CS8,
                lflag & ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN), c);
    }

    public Termios withIflag(int value) {
        return new Termios(value, oflag, cflag, lflag, cc);
    }

    public Termios withOflag(int value) {
        return new Termios(iflag, value, cflag, lflag, cc);
    }

    public Termios withLflag(int value) {
        return new Termios(iflag, oflag, cflag, value, cc);
    }

    public Termios withCc(int index, int value) {
        byte[] c = cc.clone();
        c[index] = (byte) value;
        return new Termios(iflag, oflag, cflag, lflag, c);
    }

    /** {@code c_cc[index]} as an unsigned value. */
    public int cc(int index) {
        return cc[index] & 0xff;
    }

    @Override
    public byte[] cc() {
        return cc.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Termios t && t.iflag == iflag && t.oflag == oflag && t.cflag == cflag && t.lflag == lflag
                && Arrays.equals(t.cc, cc);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * iflag + oflag) + cflag) + lflag) + Arrays.hashCode(cc);
    }

    /** The {@code stty}-like summary {@code pty:list} shows. */
    public String summary() {
        return ((lflag & ICANON) != 0 ? "icanon" : "-icanon min " + cc(VMIN)) + ((lflag & ECHO) != 0 ? " echo" : " -echo")
                + ((lflag & ISIG) != 0 ? " isig" : " -isig") + ((iflag & ICRNL) != 0 ? " icrnl" : " -icrnl")
                + ((iflag & IXON) != 0 ? " ixon" : " -ixon") + ((oflag & OPOST) != 0 ? " opost" : " -opost")
                + ((oflag & ONLCR) != 0 ? " onlcr" : " -onlcr");
    }

    @Override
    public String toString() {
        return String.format("termios(iflag=0%o oflag=0%o cflag=0%o lflag=0%o cc=%s)", iflag, oflag, cflag, lflag, Arrays.toString(cc));
    }
}
