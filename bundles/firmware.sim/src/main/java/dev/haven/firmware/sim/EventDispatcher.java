package dev.haven.firmware.sim;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareListener;

/**
 * Delivers one driver's events to the listeners, in the order they were posted, on one daemon thread:
 * the driver posts while holding its lock (so the order of events is the order of the changes) but
 * never calls a listener there, and a slow listener never holds up a crash.
 */
final class EventDispatcher {
    private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());
    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final List<FirmwareListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;

    EventDispatcher(String threadName) {
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    void add(FirmwareListener listener) {
        listeners.add(listener);
    }

    void remove(FirmwareListener listener) {
        listeners.remove(listener);
    }

    /** Queues the event; after {@link #stop()} it is dropped, as nobody is listening to a stopped driver. */
    void post(FirmwareEvent event) {
        if (!thread.isShutdown()) {
            thread.execute(() -> deliver(event));
        }
    }

    private void deliver(FirmwareEvent event) {
        for (FirmwareListener listener : listeners) {
            try {
                listener.firmwareEvent(event);
            } catch (RuntimeException | LinkageError e) {
                // LinkageError too: a listener whose bundle is being uninstalled may fail to load its classes.
                LOG.log(Level.ERROR, "firmware listener " + listener + " failed on " + event, e);
            }
        }
    }

    /** Accepts no more events; those already queued are still delivered. */
    void stop() {
        thread.shutdown();
    }

    /** Waits for the queued events to be delivered; gives up on a listener that takes too long. */
    void awaitStopped() {
        try {
            if (!thread.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                List<Runnable> dropped = thread.shutdownNow();
                LOG.log(Level.WARNING, "a firmware listener was still busy after " + STOP_TIMEOUT_SECONDS
                        + " s; interrupted it and dropped " + dropped.size() + " undelivered events");
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
