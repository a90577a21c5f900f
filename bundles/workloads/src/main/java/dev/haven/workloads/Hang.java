package dev.haven.workloads;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * Ticks like {@code ticker} until its count reaches HANG_AT, then gets stuck outside the kernel — as
 * a process deadlocked on a lock of its own is: no kernel call, no CPU, no way to end it but fencing.
 * For testing hang detection. Arguments: {@code HANG_AT [TICKS_PER_SECOND (50)]}.
 */
@Component
public final class Hang implements Workload {
    /** Never counted down: the lock nobody releases. */
    private final CountDownLatch never = new CountDownLatch(1);

    @Override
    public String name() {
        return "hang";
    }

    @Override
    public String description() {
        return "ticks, then gets stuck outside the kernel at count HANG_AT; args: HANG_AT [TICKS_PER_SECOND (50)]";
    }

    @Override
    public int run(ProcessContext context) throws InterruptedException {
        long hangAt = Arguments.positiveLong(context.args().isEmpty() ? "" : context.args().get(0), "HANG_AT");
        long rate = context.args().size() > 1 ? Arguments.positiveLong(context.args().get(1), "TICKS_PER_SECOND") : 50;
        long count = context.state().getLong("count", 0);
        while (count < hangAt) {
            context.kernel().sleep(Duration.ofNanos(1_000_000_000L / rate));
            context.state().putLong("count", ++count);
        }
        never.await();
        return 0;
    }
}
