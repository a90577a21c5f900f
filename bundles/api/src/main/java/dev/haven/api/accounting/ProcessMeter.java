package dev.haven.api.accounting;

import dev.haven.api.partition.ProcessStatus;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One process's meter, from {@link UsageSink#processStarted}. Called on the process's own thread(s); with
 * accounting off each call returns after one volatile read.
 */
@ProviderType
public interface ProcessMeter {

    /** Meters nothing: what the kernel uses when no accounting is installed. */
    ProcessMeter NONE = new ProcessMeter() {
        @Override
        public void kernelCall(String name) {
        }

        @Override
        public void add(Resource resource, long amount) {
        }

        @Override
        public void ended(ProcessStatus status, long cpuNanos) {
        }
    };

    /** The process was admitted to a kernel call of that name. */
    void kernelCall(String name);

    /** The process used {@code amount} of a counter resource (IPC, STREAMS, pty bytes and messages). */
    void add(Resource resource, long amount);

    /** The process ended; {@code cpuNanos} is its thread's CPU time, measured by the thread itself. */
    void ended(ProcessStatus status, long cpuNanos);
}
