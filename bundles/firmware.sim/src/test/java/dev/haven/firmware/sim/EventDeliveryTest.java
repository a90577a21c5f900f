package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareEvent.Kind;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.NodeState;

class EventDeliveryTest {
    private final SimFirmwareDriver driver = new SimFirmwareDriver("node1", "node2");

    @AfterEach
    void stopDriver() {
        driver.deactivate();
    }

    @Test
    void aListenerThatThrowsDoesNotStopDeliveryToTheOthers() throws Exception {
        RecordingListener healthy = new RecordingListener();
        driver.addListener(event -> {
            throw new IllegalStateException("a broken listener");
        });
        driver.addListener(healthy);
        driver.crash("node1");
        driver.revive("node1");
        healthy.expect(Kind.NODE_DOWN, "node1", Optional.empty());
        healthy.expect(Kind.NODE_UP, "node1", Optional.empty());
    }

    @Test
    void aSlowListenerHoldsUpNeitherACrashNorTheDriver() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        RecordingListener after = new RecordingListener();
        driver.addListener(event -> {
            entered.countDown();
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        driver.addListener(after);
        driver.crash("node1");
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the event reached the slow listener");
        driver.revive("node1");
        driver.crash("node2");
        assertEquals(NodeState.DOWN, driver.nodes().get(1).state());
        unblock.countDown();
        after.expect(Kind.NODE_DOWN, "node1", Optional.empty());
        after.expect(Kind.NODE_UP, "node1", Optional.empty());
        after.expect(Kind.NODE_DOWN, "node2", Optional.empty());
    }

    @Test
    void listenersAreCalledOnTheDriversOwnThreadAndMayCallBackIntoIt() throws Exception {
        RecordingListener seen = new RecordingListener();
        Thread test = Thread.currentThread();
        driver.addListener(event -> {
            assertNotEquals(test, Thread.currentThread());
            assertTrue(Thread.currentThread().isDaemon());
            // Reports what the listener saw of the driver as a follow-up event, so the test can check it.
            seen.firmwareEvent(new FirmwareEvent(event.kind(), event.driver(), event.node(),
                    Optional.of(driver.nodes().get(0).state().name()), event.reason(), event.at()));
        });
        driver.crash("node1");
        assertEquals(Optional.of("DOWN"), seen.next().partition());
    }

    @Test
    void anUnboundListenerHearsNothingMore() throws Exception {
        RecordingListener removed = new RecordingListener();
        RecordingListener kept = new RecordingListener();
        driver.addListener(removed);
        driver.addListener(kept);
        driver.crash("node1");
        removed.expect(Kind.NODE_DOWN, "node1", Optional.empty());
        kept.expect(Kind.NODE_DOWN, "node1", Optional.empty());
        driver.removeListener(removed);
        driver.revive("node1");
        kept.expect(Kind.NODE_UP, "node1", Optional.empty());
        driver.addListener(removed);
        driver.crash("node2");
        removed.expect(Kind.NODE_DOWN, "node2", Optional.empty());
    }

    @Test
    void eventsFollowTheOrderOfTheChangesEvenWhenTheyComeFromDifferentThreads() throws Exception {
        RecordingListener events = new RecordingListener();
        driver.addListener(events);
        int rounds = 300;
        ExecutorService reviver = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < rounds; round++) {
                Future<?> revived = reviver.submit(() -> {
                    while (true) {
                        try {
                            driver.revive("node1");
                            return;
                        } catch (FirmwareException notDownYet) {
                            Thread.onSpinWait();
                        }
                    }
                });
                driver.crash("node1");
                revived.get(10, TimeUnit.SECONDS);
            }
        } finally {
            reviver.shutdownNow();
        }
        for (int round = 0; round < rounds; round++) {
            for (Kind expected : List.of(Kind.NODE_DOWN, Kind.NODE_UP)) {
                FirmwareEvent event = events.next();
                assertEquals(expected, event.kind(), "round " + round + ": " + event);
            }
        }
    }
}
