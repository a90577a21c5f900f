package dev.haven.kernel;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.ProcessStatus;

/**
 * The {@code processes} section: every process of the partition with its virtual pid, workload,
 * arguments, credentials, status and saved state, and the call it was parked in (restartable).
 * Restore rebuilds the process table under the same virtual pids with fresh real pids; the processes
 * that were running resume when the orchestrator says so, after every other participant restored.
 *
 * <pre>
 * section "processes", version 1:
 *   int nextVpid, int count, then per process:
 *     int vpid, string workload, int argc, argc x string, int uid, int gid,
 *     long startedSeconds, int startedNanos, string status, int exitStatus (-1: none), string error ("": none),
 *     string parkedCall ("": none), int entries, entries x (string key, byte tag, value)
 *     where tag 0 = long, 1 = string, 2 = bytes
 * </pre>
 */
final class ProcessesParticipant implements CheckpointParticipant {
    static final String SECTION = "processes";
    private static final int MAX_PROCESSES = 1 << 20;
    private static final int MAX_ARGS = 4096;
    private static final int MAX_STRING = 64 * 1024;

    private final PartitionManagerImpl manager;

    ProcessesParticipant(PartitionManagerImpl manager) {
        this.manager = manager;
    }

    @Override
    public String section() {
        return SECTION;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
        Partition partition = manager.require(context.partition());
        List<KernelProcess> processes = new ArrayList<>(partition.processes());
        out.writeInt(partition.peekNextVpid());
        out.writeInt(processes.size());
        for (KernelProcess process : processes) {
            var info = process.info();
            out.writeInt(process.vpid());
            out.writeString(process.workload());
            out.writeInt(process.args().size());
            for (String arg : process.args()) {
                out.writeString(arg);
            }
            out.writeInt(process.credentials().uid());
            out.writeInt(process.credentials().gid());
            out.writeLong(process.started().getEpochSecond());
            out.writeInt(process.started().getNano());
            out.writeString(info.status().name());
            out.writeInt(info.exitStatus().orElse(-1));
            out.writeString(info.error().orElse(""));
            String parked = partition.gate().parkedCall(process);
            out.writeString(parked == null ? "" : parked);
            Map<String, Object> state = process.state().frozenView();
            out.writeInt(state.size());
            for (Map.Entry<String, Object> entry : state.entrySet()) {
                out.writeString(entry.getKey());
                Object value = entry.getValue();
                if (value instanceof Long number) {
                    out.writeByte(0);
                    out.writeLong(number);
                } else if (value instanceof String text) {
                    out.writeByte(1);
                    out.writeString(text);
                } else {
                    out.writeByte(2);
                    out.writeBytes((byte[]) value);
                }
            }
        }
    }

    @Override
    public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
        Partition partition = manager.require(context.partition());
        long stateMax = manager.stateMax(partition);
        int nextVpid = in.readInt();
        int count = bounded(in.readInt(), MAX_PROCESSES, "process count");
        List<KernelProcess> restored = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int vpid = in.readInt();
            if (vpid < 1) {
                throw corrupt("process " + i + " has vpid " + vpid);
            }
            String workload = in.readString(MAX_STRING);
            int argc = bounded(in.readInt(), MAX_ARGS, "argument count of process " + vpid);
            List<String> args = new ArrayList<>();
            for (int a = 0; a < argc; a++) {
                args.add(in.readString(MAX_STRING));
            }
            Credentials credentials;
            try {
                credentials = new Credentials(in.readInt(), in.readInt());
            } catch (IllegalArgumentException e) {
                throw corrupt("process " + vpid + ": " + e.getMessage());
            }
            Instant started = Instant.ofEpochSecond(in.readLong(), in.readInt());
            ProcessStatus status = status(in.readString(64), vpid);
            int exit = in.readInt();
            String error = in.readString(MAX_STRING);
            in.readString(MAX_STRING); // the parked call: re-issued by the workload when it resumes
            ProcessSavedState state = new ProcessSavedState(stateMax);
            int entries = bounded(in.readInt(), (int) Math.min(Integer.MAX_VALUE, stateMax), "saved state size of process " + vpid);
            for (int e = 0; e < entries; e++) {
                String key = in.readString(ProcessSavedState.MAX_KEY_LENGTH * 4);
                byte tag = in.readByte();
                Object value = switch (tag) {
                    case 0 -> in.readLong();
                    case 1 -> in.readString((int) Math.min(Integer.MAX_VALUE, stateMax));
                    case 2 -> in.readBytes((int) Math.min(Integer.MAX_VALUE, stateMax));
                    default -> throw corrupt("process " + vpid + ": unknown saved state tag " + tag);
                };
                try {
                    state.restore(key, value);
                } catch (RuntimeException ex) {
                    throw corrupt("process " + vpid + ": saved state does not fit the partition: " + ex.getMessage());
                }
            }
            boolean running = status == ProcessStatus.RUNNING;
            int realPid = running ? context.kernel().allocate(IdSpace.PID) : 0;
            KernelProcess process = new KernelProcess(partition, vpid, realPid, workload, args, credentials, started, state,
                    true);
            if (!running) {
                process.ended(status, exit < 0 ? null : exit, error.isEmpty() ? null : error);
            }
            restored.add(process);
        }
        partition.clearProcesses();
        restored.forEach(partition::add);
        partition.reserveVpidsBelow(nextVpid);
    }

    @Override
    public void discard(RestoreContext context) {
        // Nothing runs yet: give the real pids back and forget the table.
        Partition partition = manager.require(context.partition());
        for (KernelProcess process : partition.processes()) {
            if (process.realPid() > 0) {
                context.kernel().release(IdSpace.PID, process.realPid());
            }
        }
        partition.clearProcesses();
    }

    private static ProcessStatus status(String name, int vpid) throws ImageException {
        try {
            return ProcessStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw corrupt("process " + vpid + " has unknown status '" + name + "'");
        }
    }

    private static int bounded(int value, int max, String what) throws ImageException {
        if (value < 0 || value > max) {
            throw corrupt(what + " is " + value + ", outside 0.." + max);
        }
        return value;
    }

    private static ImageException corrupt(String message) {
        return new ImageException(ImageException.Reason.CORRUPT, "section '" + SECTION + "': " + message);
    }
}
