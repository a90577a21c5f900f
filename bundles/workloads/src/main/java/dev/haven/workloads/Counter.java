package dev.haven.workloads;

import static dev.haven.api.ipc.Ipc.GETPID;
import static dev.haven.api.ipc.Ipc.GETVAL;
import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_NOWAIT;
import static dev.haven.api.ipc.Ipc.SEM_UNDO;

import java.time.Duration;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * A shared-memory counter under a System V semaphore, for several processes: each increments the
 * shared total and its own slot (its vpid) inside the critical section, so the total must always equal
 * the sum of the slots — no increment lost or doubled, across checkpoints and migrations too.
 * Arguments: {@code INCREMENTS [PERIOD_MS (1) [KEY (0x4856)]]}; {@code 0} increments checks instead:
 * it stores {@code total} and {@code sum} in its saved state and exits 0 only if they agree.
 *
 * <p>Resuming from a checkpoint taken inside the critical section is the subtle part: the process
 * re-runs from the top while the semaphore (restored exactly) is still held by it. It recognises that
 * state as Linux code would — the semaphore is 0 and {@code GETPID} names it — then repairs the total
 * from the slots and releases the semaphore.
 */
@Component
public final class Counter implements Workload {
    static final int SLOTS = 64;
    private static final long TOTAL = 0;

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public String description() {
        return "increments a shared-memory total under a System V semaphore; args: INCREMENTS [PERIOD_MS (1)] [KEY (0x4856)]";
    }

    @Override
    public int run(ProcessContext context) {
        long increments = Arguments.nonNegativeLong(context.args().isEmpty() ? "" : context.args().get(0), "INCREMENTS");
        long period = context.args().size() > 1 ? Arguments.nonNegativeLong(context.args().get(1), "PERIOD_MS") : 1;
        int key = context.args().size() > 2 ? Integer.decode(context.args().get(2)) : 0x4856;
        PartitionKernel kernel = context.kernel();
        int me = kernel.getpid();
        if (me >= SLOTS) {
            throw new KernelException(Errno.E2BIG, "counter supports vpids below " + SLOTS + ", not " + me);
        }
        SysVIpc ipc = kernel.extension(SysVIpc.class);
        int semid = semaphore(ipc, key);
        SharedMemory memory = ipc.shmat(ipc.shmget(key, 8L * (SLOTS + 1), IPC_CREAT | 0600), 0);
        long slot = 8L * (me + 1);
        if (increments == 0) {
            ipc.semop(semid, new SemOp(0, -1, SEM_UNDO));
            long total = memory.getLong(TOTAL);
            long sum = sum(memory);
            ipc.semop(semid, new SemOp(0, 1, SEM_UNDO));
            context.state().putLong("total", total);
            context.state().putLong("sum", sum);
            memory.detach();
            return total == sum ? 0 : 1;
        }
        if (context.resumed() && ipc.semctl(semid, 0, GETVAL, 0) == 0 && ipc.semctl(semid, 0, GETPID, 0) == me) {
            // restored inside the critical section: the slot may be one ahead of the total
            memory.putLong(TOTAL, sum(memory));
            ipc.semop(semid, new SemOp(0, 1, SEM_UNDO));
        }
        while (memory.getLong(slot) < increments) {
            ipc.semop(semid, new SemOp(0, -1, SEM_UNDO));
            memory.putLong(slot, memory.getLong(slot) + 1);
            memory.putLong(TOTAL, memory.getLong(TOTAL) + 1);
            ipc.semop(semid, new SemOp(0, 1, SEM_UNDO));
            context.state().putLong("mine", memory.getLong(slot));
            if (period > 0) {
                kernel.sleep(Duration.ofMillis(period));
            }
        }
        memory.detach();
        return 0;
    }

    /**
     * The semaphore guarding the counter, with a second one that says whether it was opened. Opening is
     * one atomic semop that only succeeds while the flag is 0 — not semget(IPC_EXCL) then SETVAL, which a
     * checkpoint could split, leaving a restored creator that no longer knows it must open the lock.
     */
    private static int semaphore(SysVIpc ipc, int key) {
        int semid = ipc.semget(key, 2, IPC_CREAT | 0600);
        try {
            ipc.semop(semid, new SemOp(1, 0, IPC_NOWAIT), new SemOp(1, 1, 0), new SemOp(0, 1, 0));
        } catch (KernelException e) {
            if (e.errno() != Errno.EAGAIN) {
                throw e;
            }
        }
        return semid;
    }

    private static long sum(SharedMemory memory) {
        long sum = 0;
        for (int vpid = 1; vpid < SLOTS; vpid++) {
            sum += memory.getLong(8L * (vpid + 1));
        }
        return sum;
    }
}
