package dev.haven.kernel;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.Resource;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.SavedState;

/**
 * The kernel as one process calls it. Every public method is a kernel call: it passes the
 * partition's freeze gate, so it is a safe point.
 */
final class ProcessKernel implements PartitionKernel, ProcessContext, SavedState, SystemCalls {
    private final KernelProcess process;
    private final FreezeGate gate;
    private final Function<Class<?>, Optional<KernelExtension<?>>> extensions;
    /** Extensions bound to this process; only its own thread touches it. */
    private final Map<Class<?>, Object> bound = new HashMap<>();
    /** How deep the process is in kernel calls: a subsystem's call inside a call is not admitted twice. Thread-confined. */
    private int depth;
    private final ProcessMeter meter;

    ProcessKernel(KernelProcess process, Function<Class<?>, Optional<KernelExtension<?>>> extensions, ProcessMeter meter) {
        this.process = process;
        this.meter = meter;
        this.gate = process.partition().gate();
        this.extensions = extensions;
    }

    @Override
    public <T> T call(String name, Supplier<T> body) {
        if (depth > 0) {
            return body.get();
        }
        gate.enter(process, name);
        meter.kernelCall(name);
        depth++;
        try {
            return body.get();
        } finally {
            depth--;
            gate.leave(process);
        }
    }

    private void run(String name, Runnable body) {
        call(name, () -> {
            body.run();
            return null;
        });
    }

    // SystemCalls, for kernel subsystems

    @Override
    public int pid() {
        return process.vpid();
    }

    @Override
    public NodeKernel node() {
        return process.partition().kernel();
    }

    @Override
    public long limit(String name, long defaultValue) {
        return process.partition().spec().limit(name, defaultValue);
    }

    @Override
    public void usage(Resource resource, long amount) {
        meter.add(resource, amount);
    }

    @Override
    public void park() {
        gate.park(process);
    }

    @Override
    public void unpark() {
        gate.unpark(process);
    }

    @Override
    public <T> T extension(Class<T> type) {
        Object extension = bound.get(type);
        if (extension == null) {
            KernelExtension<?> provider = extensions.apply(type).orElseThrow(() -> new KernelException(Errno.ENOSYS,
                    type.getSimpleName() + " is not provided by any installed bundle"));
            extension = provider.bind(this);
            bound.put(type, extension);
        }
        return type.cast(extension);
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

    /** Not a gated call: the credentials are fixed for the process's life and subsystems ask inside their calls. */
    @Override
    public Credentials credentials() {
        return process.credentials();
    }

    @Override
    public String partition() {
        return process.partition().name();
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
