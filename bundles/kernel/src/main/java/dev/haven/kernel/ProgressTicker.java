package dev.haven.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reports progress at a steady pace while a long write runs: a participant streaming a 1 GiB section
 * says nothing until it returns, so the orchestrator polls the writer's byte count instead.
 */
final class ProgressTicker implements AutoCloseable {
    private static final long PERIOD_MILLIS = 200;

    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;

    private ProgressTicker(Runnable report) {
        thread = new Thread(() -> {
            try {
                while (!closed.await(PERIOD_MILLIS, TimeUnit.MILLISECONDS)) {
                    report.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "haven-progress");
        thread.setDaemon(true);
    }

    static ProgressTicker start(Runnable report) {
        ProgressTicker ticker = new ProgressTicker(report);
        ticker.thread.start();
        return ticker;
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
