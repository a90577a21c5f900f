package dev.haven.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/**
 * The values of one process's saved state. Thread-safe by its monitor; the kernel-call wrapping
 * (the freeze gate) is done by {@link ProcessKernel}, which is the only writer.
 */
final class ProcessSavedState {
    static final int MAX_KEY_LENGTH = 255;

    /** Values are String, Long or byte[]. Guarded by this. */
    private final Map<String, Object> values = new TreeMap<>();
    private long bytes;
    private final long maxBytes;

    ProcessSavedState(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized Set<String> keys() {
        return Set.copyOf(values.keySet());
    }

    synchronized Object get(String key) {
        Object value = values.get(key);
        return value instanceof byte[] array ? array.clone() : value;
    }

    synchronized void put(String key, Object value) {
        restore(key, value instanceof byte[] array ? array.clone() : value);
    }

    synchronized void remove(String key) {
        Object old = values.remove(key);
        bytes -= size(key, old);
    }

    /**
     * The values themselves, for the checkpoint of a frozen partition: no update can run while it is
     * frozen (updates are kernel calls), so the checkpoint writes them without copying a byte.
     */
    synchronized Map<String, Object> frozenView() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Puts a value read from an image; the array is fresh and owned by nobody else, so it is not copied. */
    synchronized void restore(String key, Object value) {
        checkKey(key);
        long after = bytes - size(key, values.get(key)) + size(key, value);
        if (after > maxBytes) {
            throw new KernelException(Errno.ENOSPC, "saved state would grow to " + after
                    + " bytes, over the partition's state.max of " + maxBytes);
        }
        values.put(key, value);
        bytes = after;
    }

    /** Each value as text, bytes as their length, for ps. */
    synchronized Map<String, String> render() {
        Map<String, String> rendered = new TreeMap<>();
        values.forEach((key, value) -> rendered.put(key,
                value instanceof byte[] array ? array.length + " bytes" : String.valueOf(value)));
        return rendered;
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new KernelException(Errno.EINVAL, "saved state key must not be empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new KernelException(Errno.ENAMETOOLONG, "saved state key longer than " + MAX_KEY_LENGTH + " characters");
        }
    }

    private static long size(String key, Object value) {
        if (value == null) {
            return 0;
        }
        long keySize = key.getBytes(StandardCharsets.UTF_8).length;
        if (value instanceof byte[] array) {
            return keySize + array.length;
        }
        if (value instanceof String text) {
            return keySize + text.getBytes(StandardCharsets.UTF_8).length;
        }
        return keySize + Long.BYTES;
    }

    /** Reads a value of the expected type, or fails as a C program reading the wrong type would not. */
    static <T> Optional<T> typed(String key, Object value, Class<T> type) {
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw new KernelException(Errno.EINVAL, "saved state key '" + key + "' holds a "
                    + value.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return Optional.of(type.cast(value));
    }
}
