package dev.haven.workloads;

import java.time.Duration;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * Advances the counter {@code count} in its saved state at a steady rate, forever or up to a limit.
 * Arguments: {@code [TICKS_PER_SECOND [LIMIT]]}, default 10 ticks per second and no limit.
 * After a restart it continues from the checkpointed count.
 */
@Component
public final class Ticker implements Workload {
    static final String COUNT = "count";

    @Override
    public String name() {
        return "ticker";
    }

    @Override
    public String description() {
        return "advances 'count' in its saved state; args: [TICKS_PER_SECOND (10)] [LIMIT (none)]";
    }

    @Override
    public int run(ProcessContext context) {
        List<String> args = context.args();
        if (args.size() > 2) {
            throw new KernelException(Errno.E2BIG, "ticker takes at most 2 arguments, got " + args.size());
        }
        long rate = args.isEmpty() ? 10 : Arguments.positiveLong(args.get(0), "TICKS_PER_SECOND");
        long limit = args.size() < 2 ? Long.MAX_VALUE : Arguments.positiveLong(args.get(1), "LIMIT");
        Duration period = Duration.ofNanos(1_000_000_000L / rate);
        long count = context.state().getLong(COUNT, 0);
        while (count < limit) {
            context.kernel().sleep(period);
            count++;
            context.state().putLong(COUNT, count);
        }
        return 0;
    }
}
