package dev.haven.api.pty;

import java.util.List;

/**
 * One pty as {@code pty:list} shows it.
 *
 * @param number the virtual pty number (the N of {@code pts/N})
 * @param state "locked", "unlocked", "open" (slave open), "hungup" (master closed, slave open)
 * @param masterStream the master's virtual stream id, or -1 when closed
 * @param slaveStream the slave's virtual stream id, or -1 when closed
 * @param termios the slave's line discipline settings, or null while the slave is not open
 * @param winsize the slave's window size, or null while the slave is not open
 * @param packet whether the master is in packet mode
 * @param session the session leader's pid, or 0
 * @param foreground the foreground process group, or 0
 * @param toMaster bytes queued on the way to the master's reader
 * @param toSlave bytes queued on the way to the slave's reader, with the half-typed line
 * @param modules the slave's modules, top to bottom
 */
public record PtyInfo(int number, String state, int masterStream, int slaveStream, Termios termios, WinSize winsize, boolean packet,
        int session, int foreground, int toMaster, int toSlave, List<String> modules) {
    public PtyInfo {
        modules = List.copyOf(modules);
    }
}
