package dev.haven.pty;

/**
 * One pty: its virtual number, lock, packet mode, controlling session and foreground group, and its two
 * ends. An end is null while closed; the pair lives while either end is open. The table's pairs with an
 * open slave are the "list of open slave devices" that lets a restart attach masters and slaves in any order.
 */
final class PtyPair {
    final int number;
    boolean locked = true;
    boolean packet;
    int session;
    int foreground;
    PtmDriver.Master master;
    PtsDriver.Slave slave;

    PtyPair(int number) {
        this.number = number;
    }

    String state() {
        if (master == null) {
            return slave == null ? "closed" : "hungup";
        }
        return slave != null ? "open" : locked ? "locked" : "unlocked";
    }
}
