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
 * Delivers firmware events to the listeners in order on one thread, so a driver never calls out while
 * holding its lock and a slow listener never stalls a crash. A listener that throws does not keep the
 * event from the others.
 */
final class EventDispatcher {
    private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

    private final List<FirmwareListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;

    EventDispatcher(String name) {
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, name);
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

    void post(FirmwareEvent event) {
        thread.execute(() -> {
            for (FirmwareListener listener : listeners) {
                try {
                    listener.firmwareEvent(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "firmware listener " + listener + " failed on " + event, e);
                }
            }
        });
    }

    void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
