package dev.haven.shell.command;

import java.io.PrintStream;

import dev.haven.api.checkpoint.ProgressListener;

/**
 * Shows the progress of a long image operation on the shell's console: nothing for small images,
 * then one line rewritten in place at most ten times a second, finished with a newline.
 */
final class ProgressPrinter implements ProgressListener {
    /** Images smaller than this finish too quickly for progress to help. */
    static final long THRESHOLD = 4L << 20;
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintStream out;
    private long lastPrint;
    private boolean printed;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void progress(String phase, long done, long total) {
        if (done < THRESHOLD) {
            return;
        }
        long now = System.nanoTime();
        boolean finished = total > 0 && done >= total;
        if (!finished && printed && now - lastPrint < INTERVAL_NANOS) {
            return;
        }
        lastPrint = now;
        printed = true;
        String amount = total > 0 ? Bytes.format(done) + " of " + Bytes.format(total) + " (" + (done * 100 / total) + "%)"
                : Bytes.format(done);
        out.print("\r" + phase + ": " + amount + "\u001b[K");
        out.flush();
    }

    /** Ends the progress line, if one was printed. */
    synchronized void done() {
        if (printed) {
            out.println();
        }
    }
}
