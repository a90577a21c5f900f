package dev.haven.kernel;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.SavedState;

/**
 * The kernel as one process calls it. Every public method is a kernel call: it passes the
 * partition's freeze gate, so it is a safe point.
 */
final class ProcessKernel implements PartitionKernel, ProcessContext, SavedState {
    private final KernelProcess process;
    private final FreezeGate gate;

    ProcessKernel(KernelProcess process) {
        this.process = process;
        this.gate = process.partition().gate();
    }

    private <T> T call(String name, Supplier<T> body) {
        gate.enter(process, name);
        try {
            return body.get();
        } finally {
            gate.leave(process);
        }
    }

    private void run(String name, Runnable body) {
        call(name, () -> {
            body.run();
            return null;
        });
    }

    // ProcessContext

    @Override
    public PartitionKernel kernel() {
        return this;
    }

    @Override
    public List<String> args() {
        return process.args();
    }

    @Override
    public SavedState state() {
        return this;
    }

    @Override
    public boolean resumed() {
        return process.resumed();
    }

    // PartitionKernel

    @Override
    public int getpid() {
        return call("getpid", process::vpid);
    }

    @Override
    public Credentials credentials() {
        return call("getuid", process::credentials);
    }

    @Override
    public String partition() {
        return call("uname", () -> process.partition().name());
    }

    @Override
    public Instant now() {
        return call("clock_gettime", Instant::now);
    }

    @Override
    public void yield() {
        run("sched_yield", Thread::yield);
    }

    @Override
    public void sleep(Duration duration) {
        if (duration == null || duration.isNegative()) {
            throw new KernelException(Errno.EINVAL, "nanosleep: duration must not be negative: " + duration);
        }
        run("nanosleep", () -> {
            // The remaining time is kept across a freeze, as Linux restarts nanosleep with what was left.
            long remaining = duration.toNanos();
            while (remaining > 0) {
                long begin = System.nanoTime();
                gate.park(process);
                try {
                    Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
                } catch (InterruptedException woken) {
                    // a freeze or a kill: unpark decides which
                } finally {
                    remaining -= System.nanoTime() - begin;
                    gate.unpark(process);
                }
            }
        });
    }

    // SavedState: reads and writes are kernel calls too, so a checkpoint sees each update whole

    @Override
    public Set<String> keys() {
        return call("state_keys", () -> process.state().keys());
    }

    @Override
    public Optional<String> getString(String key) {
        return call("state_get", () -> ProcessSavedState.typed(key, process.state().get(key), String.class));
    }

    @Override
    public long getLong(String key, long defaultValue) {
        return call("state_get", () -> ProcessSavedState.typed(key, process.state().get(key), Long.class).orElse(defaultValue));
    }

    @Override
    public Optional<byte[]> getBytes(String key) {
        return call("state_get", () -> ProcessSavedState.typed(key, process.state().get(key), byte[].class));
    }

    @Override
    public void putString(String key, String value) {
        put(key, value);
    }

    @Override
    public void putLong(String key, long value) {
        put(key, value);
    }

    @Override
    public void putBytes(String key, byte[] value) {
        put(key, value);
    }

    private void put(String key, Object value) {
        if (value == null) {
            throw new KernelException(Errno.EINVAL, "saved state value for '" + key + "' must not be null");
        }
        run("state_put", () -> process.state().put(key, value));
    }

    @Override
    public void remove(String key) {
        run("state_remove", () -> process.state().remove(key));
    }
}
