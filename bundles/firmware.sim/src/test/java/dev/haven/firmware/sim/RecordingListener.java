package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareEvent.Kind;
import dev.haven.api.firmware.FirmwareListener;

/** Collects the events a driver delivers, so a test can wait for each one instead of sleeping. */
final class RecordingListener implements FirmwareListener {
    private final BlockingQueue<FirmwareEvent> received = new LinkedBlockingQueue<>();

    @Override
    public void firmwareEvent(FirmwareEvent event) {
        received.add(event);
    }

    FirmwareEvent next() throws InterruptedException {
        FirmwareEvent event = received.poll(10, TimeUnit.SECONDS);
        if (event == null) {
            fail("no firmware event delivered within 10 s");
        }
        return event;
    }

    FirmwareEvent expect(Kind kind, String node, Optional<String> partition) throws InterruptedException {
        FirmwareEvent event = next();
        assertEquals(kind, event.kind(), () -> "event " + event);
        assertEquals(node, event.node(), () -> "event " + event);
        assertEquals(partition, event.partition(), () -> "event " + event);
        assertEquals(SimFirmwareDriver.NAME, event.driver());
        return event;
    }
}
