package dev.haven.api.ipc;

/**
 * {@code struct sembuf}: one operation of a {@code semop}.
 *
 * @param num the semaphore's index in the set
 * @param op positive: add; negative: wait until it can subtract; zero: wait until the value is 0
 * @param flags {@code IPC_NOWAIT} and/or {@code SEM_UNDO}
 */
public record SemOp(int num, int op, int flags) {
}
