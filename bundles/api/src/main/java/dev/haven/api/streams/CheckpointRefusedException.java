package dev.haven.api.streams;

/**
 * A module or driver that cannot write its state into the checkpoint message refuses with a reason;
 * the checkpoint then fails cleanly, naming the module, its stream and the reason.
 */
public class CheckpointRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckpointRefusedException(String reason) {
        super(reason);
    }
}
