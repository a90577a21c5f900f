package dev.haven.shell.command;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.CheckpointService;
import dev.haven.api.checkpoint.LiveReport;
import dev.haven.api.checkpoint.MigrationOptions;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.PreCopyRound;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.checkpoint.RestartResult;

/** {@code partition:checkpoint|restart|migrate}: the mobility commands. */
@Component(service = CheckpointCommands.class, property = { "osgi.command.scope=partition",
        "osgi.command.function=checkpoint", "osgi.command.function=restart", "osgi.command.function=migrate" })
public final class CheckpointCommands {
    private final CheckpointService checkpoints;

    @Activate
    public CheckpointCommands(@Reference CheckpointService checkpoints) {
        this.checkpoints = checkpoints;
    }

    @Descriptor("checkpoint an active partition into an image; it keeps running unless --stop is given")
    public String checkpoint(
            @Descriptor("write the image into this directory instead of the image store")
            @Parameter(names = { "-d", "--directory" }, absentValue = "") String directory,
            @Descriptor("stop the partition once the image is committed") @Parameter(names = "--stop",
                    presentValue = "true", absentValue = "false") boolean stop,
            @Descriptor("the partition") String name) {
        ProgressPrinter progress = new ProgressPrinter(System.out);
        CheckpointResult result;
        try {
            result = checkpoints.checkpoint(name, new CheckpointOptions(
                    directory.isEmpty() ? Optional.empty() : Optional.of(Path.of(directory).toAbsolutePath()), stop,
                    Map.of("kind", "manual"), progress));
        } finally {
            progress.done();
        }
        return "checkpointed " + name + " to " + result.image().id() + " (" + Bytes.format(result.image().size()) + ", "
                + result.image().sections().size() + " sections)\n"
                + "freeze time " + Durations.format(result.freezeTime()) + ", total " + Durations.format(result.totalTime())
                + (stop ? "; partition stopped" : "") + "\nimage " + result.image().path();
    }

    @Descriptor("restart a partition from an image (an id, a file, or a partition name for its newest image)")
    public String restart(
            @Descriptor("the node to restart on (default: the node the image was taken on)")
            @Parameter(names = { "-n", "--node" }, absentValue = "") String node,
            @Descriptor("restart under this name instead of the image's") @Parameter(names = "--name",
                    absentValue = "") String newName,
            @Descriptor("an image id, an image file, or a partition name") String image) {
        ProgressPrinter progress = new ProgressPrinter(System.out);
        RestartResult result;
        try {
            result = checkpoints.restart(image, new RestartOptions(node.isEmpty() ? Optional.empty() : Optional.of(node),
                    newName.isEmpty() ? Optional.empty() : Optional.of(newName), progress));
        } finally {
            progress.done();
        }
        return "restarted " + result.partition().name() + " on " + result.partition().node() + " from "
                + result.image().id() + ": " + result.processes() + " process(es) resumed in "
                + Durations.format(result.totalTime());
    }

    @Descriptor("move an active partition to another node (checkpoint, stop, restart there)")
    public String migrate(
            @Descriptor("copy shared memory in rounds while the partition runs; freeze it only for the last dirty pages")
            @Parameter(names = "--live", presentValue = "true", absentValue = "false") boolean live,
            @Descriptor("the partition") String name, @Descriptor("the target node") String node) {
        ProgressPrinter progress = new ProgressPrinter(System.out);
        MigrationResult result;
        try {
            result = checkpoints.migrate(name, node, new MigrationOptions(live, progress));
        } finally {
            progress.done();
        }
        StringBuilder out = new StringBuilder("migrated " + name + " from " + result.from() + " to " + result.to());
        if (result.live().isEmpty()) {
            out.append(" via ").append(result.image().id());
        } else {
            LiveReport report = result.live().get();
            out.append(report.fallback().isPresent() ? " by stop-and-copy: " + report.fallback().get() : " live").append('\n');
            Table rounds = new Table("ROUND", "COPIED", "TIME", "DIRTY AFTER");
            for (PreCopyRound round : report.rounds()) {
                rounds.row(round.number(), Bytes.format(round.bytes()), Durations.format(round.time()),
                        Bytes.format(round.dirtyAfter()));
            }
            out.append(rounds);
            if (report.fallback().isEmpty()) {
                long copied = report.rounds().stream().mapToLong(PreCopyRound::bytes).sum();
                out.append("\n").append(report.rounds().size()).append(" rounds copied ").append(Bytes.format(copied))
                        .append(" while running; the freeze copied ").append(Bytes.format(report.freezeBytes()));
            }
        }
        return out.append("\nfreeze time ").append(Durations.format(result.freezeTime())).append(", total ")
                .append(Durations.format(result.totalTime())).toString();
    }
}
