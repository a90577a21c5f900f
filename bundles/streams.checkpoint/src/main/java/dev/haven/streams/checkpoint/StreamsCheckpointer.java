package dev.haven.streams.checkpoint;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointException;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.streams.CheckpointRefusedException;
import dev.haven.api.streams.StreamsCheckpointing;
import dev.haven.api.streams.StreamsSnapshot;

/**
 * The STREAMS checkpointer (US7950019, US20080294787): the {@code streams} section. At the veto it has the
 * framework freeze each stream and send the checkpoint message through it, so a module that cannot be
 * checkpointed refuses the checkpoint with its reason before anything is written; the capture is kept
 * for the write that follows in the same checkpoint. On restart it hands the framework the stacks to
 * rebuild, in order, each module with its restart message.
 */
@Component(service = CheckpointParticipant.class)
public final class StreamsCheckpointer implements CheckpointParticipant {
    private record Capture(Instant at, StreamsSnapshot snapshot) {
    }

    private final StreamsCheckpointing framework;
    private final Map<String, Capture> captured = new ConcurrentHashMap<>();

    @Activate
    public StreamsCheckpointer(@Reference StreamsCheckpointing framework) {
        this.framework = framework;
    }

    @Override
    public String section() {
        return StreamsSection.NAME;
    }

    @Override
    public int version() {
        return StreamsSection.VERSION;
    }

    @Override
    public Optional<String> veto(CheckpointContext context) {
        try {
            captured.put(context.partition(), new Capture(context.at(), framework.capture(context.partition())));
            return Optional.empty();
        } catch (CheckpointRefusedException refused) {
            captured.remove(context.partition());
            return Optional.of(refused.getMessage());
        }
    }

    @Override
    public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
        Capture capture = captured.remove(context.partition());
        StreamsSnapshot snapshot;
        if (capture != null && capture.at().equals(context.at())) {
            snapshot = capture.snapshot();
        } else {
            try {
                snapshot = framework.capture(context.partition());
            } catch (CheckpointRefusedException refused) {
                throw new CheckpointException(CheckpointException.Reason.VETOED, "checkpoint of '" + context.partition()
                        + "' denied by streams: " + refused.getMessage());
            }
        }
        StreamsSection.write(snapshot, out);
    }

    @Override
    public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
        StreamsSnapshot snapshot = StreamsSection.read(in);
        try {
            framework.install(context.partition(), context.kernel(), snapshot);
        } catch (IllegalArgumentException cannot) {
            throw new ImageException(ImageException.Reason.UNKNOWN_SECTION, "section '" + StreamsSection.NAME + "': "
                    + cannot.getMessage(), cannot);
        }
    }

    @Override
    public void discard(RestoreContext context) {
        framework.discard(context.partition());
    }
}
