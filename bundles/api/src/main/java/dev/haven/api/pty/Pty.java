package dev.haven.api.pty;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Pseudo-terminals as a workload calls them, got from {@code PartitionKernel.extension(Pty.class)}. A pty is
 * SVR4's: a master stream on the {@code ptm} driver, opened by cloning, and a slave stream on {@code pts/N}
 * with the {@code ptem} and {@code ldterm} modules pushed. Descriptors are those of {@code Streams}: read and
 * write both ends with {@code Streams.read}/{@code write}. Pty numbers are virtual and survive checkpoint,
 * restart and migration.
 *
 * <p>Signals: a partition has no signal handlers, so the signals the line discipline generates (SIGINT,
 * SIGQUIT, SIGTSTP from ISIG, SIGWINCH from a window size change) are recorded as pending for every process of
 * the terminal's foreground process group, and a process takes them with {@link #sigpending()}.
 */
@ProviderType
public interface Pty {
    int SIGINT = 2;
    int SIGQUIT = 3;
    int SIGTSTP = 20;
    int SIGWINCH = 28;

    /** {@code posix_openpt(O_RDWR)}: clones a new master; its slave is locked until {@link #unlockpt}. */
    int openpt();

    /** {@code grantpt(3)}: the slave is made the caller's (ENOTTY on a descriptor that is not a master). */
    void grantpt(int masterFd);

    /** {@code unlockpt(3)}: the slave can be opened. */
    void unlockpt(int masterFd);

    /** {@code ptsname(3)}: {@code "pts/N"}, N the virtual pty number. */
    String ptsname(int masterFd);

    /**
     * Opens the slave {@code pts/N} and pushes {@code ptem} and {@code ldterm} on it, as SVR4's {@code open}
     * of a slave followed by its autopush: EAGAIN while the master is closed or the slave still locked,
     * EBUSY if the slave is already open (descriptors are the partition's: share it), ENOENT for a name that
     * is not {@code pts/N}, ENXIO for a number with no pty.
     */
    int openpts(String name);

    /** {@code tcgetattr(3)} on a slave (ENOTTY elsewhere). */
    Termios tcgetattr(int fd);

    /** {@code tcsetattr(3)}: {@link Termios#TCSANOW}, {@link Termios#TCSADRAIN} (after queued output), {@link Termios#TCSAFLUSH} (and drops unread input). */
    void tcsetattr(int fd, int when, Termios termios);

    /** TIOCGWINSZ on a slave. */
    WinSize winsize(int fd);

    /** TIOCSWINSZ on a slave: a change sends SIGWINCH to the foreground process group. */
    void winsize(int fd, WinSize size);

    /** TIOCPKT on a master: in packet mode each read starts with a status byte (0 before data). */
    void packet(int masterFd, boolean on);

    /** {@code setsid(2)}: the caller leads a new session and process group whose id is its pid. */
    int setsid();

    /** {@code setpgid(0, pgid)}: the caller joins (or with its own pid, makes) a process group. */
    void setpgid(int pgid);

    /** {@code getpgrp(2)}. */
    int getpgrp();

    /** {@code tcsetpgrp(3)} on a slave: the foreground process group that ISIG signals go to. */
    void tcsetpgrp(int fd, int pgid);

    /** {@code tcgetpgrp(3)}: 0 when none is set. */
    int tcgetpgrp(int fd);

    /** Takes the caller's pending signals: a mask with bit {@code 1 << sig} for each one (0 when none). */
    int sigpending();

    /**
     * Makes the master {@code masterFd} the partition's console: the workload that serves the console (such as
     * {@code mini-shell}) relays the operator's keystrokes ({@link #consoleInput}) to it and what it reads from it
     * to the operator ({@link #consoleOutput}). ENOTTY if the descriptor is not a pty master.
     */
    void console(int masterFd);

    /** Takes the keystrokes the operator typed at the console since the last call (empty when none); never waits. */
    byte[] consoleInput();

    /** Shows bytes on the operator's console screen (kept until the operator reads them, the oldest dropped beyond 64 KiB). */
    void consoleOutput(byte[] bytes);
}
