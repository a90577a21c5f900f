package dev.haven.workloads;

import static dev.haven.api.ipc.Ipc.IPC_CREAT;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * Dirties a System V shared memory segment at a steady rate, for live migration: write n overwrites one
 * whole 4 KiB page, chosen from n, with a pattern made of n, then records n as {@code writes} in the saved
 * state. Up to {@link #WRITERS} processes share the segment, each owning the pages whose number is its vpid
 * modulo {@link #WRITERS}. Every resumed process first replays its writes 1..n and compares every page it
 * owns with the segment (the page of write n+1 may hold n+1 already: the freeze can fall between the write
 * and the record); a difference ends it with exit status 3 and names the page in {@code mismatch}, else
 * {@code verified} counts the checks passed. Arguments: {@code SIZE_MIB WRITES_PER_SEC [KEY (0x4449)]}; the
 * partition's {@code shmmax} and {@code shmall} must allow the segment.
 */
@Component
public final class Dirtier implements Workload {
    static final int PAGE = 4096;
    static final int WRITERS = 8;
    /** How often the writer catches up with its rate. */
    private static final Duration TICK = Duration.ofMillis(10);

    @Override
    public String name() {
        return "dirtier";
    }

    @Override
    public String description() {
        return "writes whole pages of a shared memory segment at a rate and checks them after every restart; "
                + "args: SIZE_MIB WRITES_PER_SEC [KEY (0x4449)]";
    }

    @Override
    public int run(ProcessContext context) {
        long mib = Arguments.positiveLong(context.args().isEmpty() ? "" : context.args().get(0), "SIZE_MIB");
        long rate = Arguments.positiveLong(context.args().size() > 1 ? context.args().get(1) : "", "WRITES_PER_SEC");
        int key = context.args().size() > 2 ? Integer.decode(context.args().get(2)) : 0x4449;
        PartitionKernel kernel = context.kernel();
        int vpid = kernel.getpid();
        SysVIpc ipc = kernel.extension(SysVIpc.class);
        SharedMemory memory = ipc.shmat(ipc.shmget(key, mib << 20, IPC_CREAT | 0600), 0);
        Pages pages = new Pages(memory.size(), vpid);
        if (pages.owned == 0) {
            throw new KernelException(Errno.EINVAL, "dirtier: a segment of " + memory.size() + " bytes has no page for vpid " + vpid);
        }
        long written = context.state().getLong("writes", 0);
        if (context.resumed()) {
            long mismatch = pages.check(memory, written);
            if (mismatch >= 0) {
                context.state().putString("mismatch", "page " + mismatch + " after " + written + " writes");
                return 3;
            }
            context.state().putLong("verified", context.state().getLong("verified", 0) + 1);
        }
        byte[] page = new byte[PAGE];
        long start = System.nanoTime();
        long due = 0;
        while (true) {
            long elapsed = System.nanoTime() - start;
            long target = (long) (elapsed / 1e9 * rate);
            for (; due < target; due++) {
                long n = written + 1;
                pages.fill(page, n);
                memory.write(pages.offset(n), page, 0, PAGE);
                context.state().putLong("writes", n);
                written = n;
            }
            kernel.sleep(TICK);
        }
    }

    /** The pages one writer owns, and what its writes put there. */
    static final class Pages {
        final long size;
        final int vpid;
        final long owned;

        Pages(long size, int vpid) {
            this.size = size;
            this.vpid = vpid;
            long all = size / PAGE;
            long first = Math.floorMod(vpid, WRITERS);
            this.owned = all > first ? (all - first + WRITERS - 1) / WRITERS : 0;
        }

        long page(long n) {
            long mixed = (n * 0x9E3779B97F4A7C15L) ^ ((long) vpid << 32);
            mixed ^= mixed >>> 29;
            return Math.floorMod(mixed, owned) * WRITERS + Math.floorMod(vpid, WRITERS);
        }

        long offset(long n) {
            return page(n) * PAGE;
        }

        void fill(byte[] page, long n) {
            ByteBuffer buffer = ByteBuffer.wrap(page);
            for (int i = 0; i < PAGE / Long.BYTES; i++) {
                buffer.putLong(n * 0x100000001B3L + ((long) vpid << 40) + i);
            }
        }

        /** The first owned page that does not hold what writes 1..{@code written} left, or -1. */
        long check(SharedMemory memory, long written) {
            long[] last = new long[(int) owned];
            for (long n = 1; n <= written; n++) {
                last[(int) (page(n) / WRITERS)] = n;
            }
            byte[] expected = new byte[PAGE];
            byte[] actual = new byte[PAGE];
            long pending = page(written + 1);
            for (int index = 0; index < owned; index++) {
                long page = (long) index * WRITERS + Math.floorMod(vpid, WRITERS);
                memory.read(page * PAGE, actual, 0, PAGE);
                if (!holds(actual, expected, last[index])
                        && !(page == pending && holds(actual, expected, written + 1))) {
                    return page;
                }
            }
            return -1;
        }

        private boolean holds(byte[] actual, byte[] expected, long n) {
            if (n == 0) {
                java.util.Arrays.fill(expected, (byte) 0);
            } else {
                fill(expected, n);
            }
            return java.util.Arrays.equals(actual, expected);
        }
    }
}
