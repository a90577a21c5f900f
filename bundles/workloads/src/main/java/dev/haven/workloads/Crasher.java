package dev.haven.workloads;

import java.time.Duration;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * Sleeps, then fails: for demonstrating and testing how crashed processes are reported (and, for
 * the HA manager, how a partition whose critical process dies is detected).
 * Arguments: {@code [DELAY_MS [MESSAGE]]}, default 0 ms and "deliberate crash".
 */
@Component
public final class Crasher implements Workload {

    @Override
    public String name() {
        return "crasher";
    }

    @Override
    public String description() {
        return "sleeps, then throws; args: [DELAY_MS (0)] [MESSAGE]";
    }

    @Override
    public int run(ProcessContext context) {
        long delay = context.args().isEmpty() ? 0 : Arguments.nonNegativeLong(context.args().get(0), "DELAY_MS");
        String message = context.args().size() > 1 ? String.join(" ", context.args().subList(1, context.args().size()))
                : "deliberate crash";
        context.kernel().sleep(Duration.ofMillis(delay));
        throw new IllegalStateException(message);
    }
}
