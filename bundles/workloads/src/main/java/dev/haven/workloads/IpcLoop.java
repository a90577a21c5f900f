package dev.haven.workloads;

import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_PRIVATE;
import static dev.haven.api.ipc.Ipc.IPC_RMID;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * A System V IPC loop whose use is known exactly, for accounting tests and the IPC benchmarks:
 * <ul>
 * <li>{@code msg COUNT [SIZE (64)]}: a private queue; COUNT times msgsnd then msgrcv of SIZE bytes; the queue is
 * removed. Kernel calls: msgget, COUNT msgsnd, COUNT msgrcv, msgctl and three state_put.</li>
 * <li>{@code sem COUNT}: a private semaphore; COUNT times semop +1 then semop -1; the set is removed.
 * Kernel calls: semget, 2×COUNT semop, semctl and three state_put.</li>
 * <li>{@code shm BYTES}: a private segment of BYTES, held (sleeping) until the process is killed.</li>
 * </ul>
 * The loop's elapsed time is stored as {@code ns}, its thread's CPU time as {@code cpu} and its iterations as
 * {@code ops} in the saved state; exit 0.
 */
@Component
public final class IpcLoop implements Workload {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Override
    public String name() {
        return "ipcloop";
    }

    @Override
    public String description() {
        return "a System V IPC loop of known use; args: msg COUNT [SIZE (64)] | sem COUNT | shm BYTES";
    }

    @Override
    public int run(ProcessContext context) {
        List<String> args = context.args();
        boolean valid = args.size() == 2 && List.of("msg", "sem", "shm").contains(args.get(0))
                || args.size() == 3 && args.get(0).equals("msg");
        if (!valid) {
            throw new KernelException(Errno.EINVAL, "ipcloop needs msg COUNT [SIZE] | sem COUNT | shm BYTES, not " + args);
        }
        long count = Arguments.positiveLong(args.get(1), args.get(0).equals("shm") ? "BYTES" : "COUNT");
        int size = args.size() == 3 ? (int) Math.min(Integer.MAX_VALUE, Arguments.nonNegativeLong(args.get(2), "SIZE")) : 64;
        SysVIpc ipc = context.kernel().extension(SysVIpc.class);
        long begin = System.nanoTime();
        long cpuBegin = THREADS.getCurrentThreadCpuTime();
        switch (args.get(0)) {
            case "msg" -> {
                byte[] data = new byte[size];
                int queue = ipc.msgget(IPC_PRIVATE, IPC_CREAT | 0600);
                for (long i = 0; i < count; i++) {
                    ipc.msgsnd(queue, 1, data, 0);
                    ipc.msgrcv(queue, size, 0, 0);
                }
                ipc.msgctl(queue, IPC_RMID, null);
            }
            case "sem" -> {
                int set = ipc.semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
                SemOp up = new SemOp(0, 1, 0);
                SemOp down = new SemOp(0, -1, 0);
                for (long i = 0; i < count; i++) {
                    ipc.semop(set, up);
                    ipc.semop(set, down);
                }
                ipc.semctl(set, 0, IPC_RMID, 0);
            }
            case "shm" -> {
                ipc.shmget(IPC_PRIVATE, count, IPC_CREAT | 0600);
                while (true) {
                    context.kernel().sleep(Duration.ofMillis(100));
                }
            }
            default -> throw new KernelException(Errno.EINVAL, "ipcloop: unknown mode '" + args.get(0) + "'; use msg, sem or shm");
        }
        long elapsed = System.nanoTime() - begin;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuBegin;
        context.state().putLong("ns", elapsed);
        context.state().putLong("cpu", cpu);
        context.state().putLong("ops", count);
        return 0;
    }
}
