package dev.haven.workloads;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.SavedState;

/**
 * A process for unit tests of workloads: sleeps return at once (their total is counted), saved state
 * is a map. The kernel's own semantics are tested in the kernel bundle.
 */
final class FakeProcess implements ProcessContext, PartitionKernel, SavedState {
    final List<String> args;
    final Map<String, Object> state = new TreeMap<>();
    Duration slept = Duration.ZERO;
    boolean resumed;
    /** Kernel extensions this process is given, by type; others are ENOSYS. */
    final Map<Class<?>, Object> extensions = new java.util.HashMap<>();

    FakeProcess(String... args) {
        this.args = List.of(args);
    }

    public PartitionKernel kernel() {
        return this;
    }

    public List<String> args() {
        return args;
    }

    public SavedState state() {
        return this;
    }

    public boolean resumed() {
        return resumed;
    }

    public int getpid() {
        return 1;
    }

    public Credentials credentials() {
        return Credentials.ROOT;
    }

    public String partition() {
        return "test";
    }

    public Instant now() {
        return Instant.now();
    }

    public void sleep(Duration duration) {
        slept = slept.plus(duration);
    }

    public void yield() {
    }

    public <T> T extension(Class<T> type) {
        if (extensions.containsKey(type)) {
            return type.cast(extensions.get(type));
        }
        throw new KernelException(Errno.ENOSYS, type.getSimpleName() + " is not provided in this test");
    }

    public Set<String> keys() {
        return state.keySet();
    }

    public Optional<String> getString(String key) {
        return Optional.ofNullable((String) state.get(key));
    }

    public long getLong(String key, long defaultValue) {
        return (Long) state.getOrDefault(key, defaultValue);
    }

    public Optional<byte[]> getBytes(String key) {
        return Optional.ofNullable((byte[]) state.get(key));
    }

    public void putString(String key, String value) {
        state.put(key, value);
    }

    public void putLong(String key, long value) {
        state.put(key, value);
    }

    public void putBytes(String key, byte[] value) {
        state.put(key, value.clone());
    }

    public void remove(String key) {
        state.remove(key);
    }
}
