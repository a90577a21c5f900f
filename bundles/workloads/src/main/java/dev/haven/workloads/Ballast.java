package dev.haven.workloads;

import java.time.Duration;
import java.util.Random;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * Holds bulk state: fills its saved state with SIZE_MIB chunks of 1 MiB of seeded pseudo-random bytes
 * ({@code chunk.N}), then rewrites one chunk per period so that successive checkpoints differ.
 * For checkpoint benchmarks and crash-safety tests; the partition's {@code state.max} must allow it.
 * Arguments: {@code SIZE_MIB [PERIOD_MS (1000)]}.
 */
@Component
public final class Ballast implements Workload {
    static final int CHUNK = 1 << 20;

    @Override
    public String name() {
        return "ballast";
    }

    @Override
    public String description() {
        return "holds SIZE_MIB MiB of saved state and rewrites a chunk per period; args: SIZE_MIB [PERIOD_MS (1000)]";
    }

    @Override
    public int run(ProcessContext context) {
        int chunks = (int) Arguments.positiveLong(context.args().isEmpty() ? "" : context.args().get(0), "SIZE_MIB");
        long period = context.args().size() > 1 ? Arguments.positiveLong(context.args().get(1), "PERIOD_MS") : 1000;
        byte[] chunk = new byte[CHUNK];
        long generation = context.state().getLong("generation", 0);
        for (int i = 0; i < chunks; i++) {
            if (context.state().getBytes("chunk." + i).isEmpty()) {
                new Random(i).nextBytes(chunk);
                context.state().putBytes("chunk." + i, chunk);
            }
        }
        while (true) {
            context.kernel().sleep(Duration.ofMillis(period));
            generation++;
            new Random(generation).nextBytes(chunk);
            context.state().putBytes("chunk." + (generation % chunks), chunk);
            context.state().putLong("generation", generation);
        }
    }
}
