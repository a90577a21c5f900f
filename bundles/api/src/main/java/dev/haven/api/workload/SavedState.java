package dev.haven.api.workload;

import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The explicit state of a process that survives checkpoint and restart. Each update is a kernel
 * call, so a checkpoint never sees half of one: it sees the state before or after.
 * Keys are at most 255 characters; values of all keys together are bounded by the partition's
 * {@code state.max} limit ({@code ENOSPC} beyond it).
 */
@ProviderType
public interface SavedState {

    /** The keys present. */
    Set<String> keys();

    Optional<String> getString(String key);

    long getLong(String key, long defaultValue);

    Optional<byte[]> getBytes(String key);

    void putString(String key, String value);

    void putLong(String key, long value);

    void putBytes(String key, byte[] value);

    void remove(String key);
}
