package dev.haven.pty;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.PtyAdmin;
import dev.haven.api.pty.PtyInfo;
import dev.haven.api.streams.StreamInfo;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.Streams;
import dev.haven.api.streams.StreamsAdmin;

/**
 * The pty subsystem: the {@link Pty} kernel extension, the {@code pty} checkpoint section (restored after
 * {@code streams}), the operator's {@link PtyAdmin}, and the ptm and pts drivers and ldterm and ptem modules,
 * which it registers itself so that they share its tables. A partition's table ends with its running instance.
 */
@Component(service = { KernelExtension.class, CheckpointParticipant.class, PartitionListener.class, PtyAdmin.class })
public final class PtySubsystem implements KernelExtension<Pty>, CheckpointParticipant, PartitionListener, PtyAdmin {
    static final String SECTION = "pty";

    final Ptys ptys = new Ptys();
    private final KernelExtension<Streams> streams;
    private final StreamsAdmin admin;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /** Registers the drivers and modules, which share this subsystem's tables. */
    @Activate
    public PtySubsystem(BundleContext context,
            @Reference(target = "(component.name=dev.haven.streams.StreamsFramework)") KernelExtension<?> streams,
            @Reference StreamsAdmin admin) {
        this(streams, admin);
        for (StreamDriver driver : drivers()) {
            registrations.add(context.registerService(StreamDriver.class, driver, null));
        }
        for (StreamModule module : modules()) {
            registrations.add(context.registerService(StreamModule.class, module, null));
        }
    }

    /** For tests: nothing is registered; give {@link #drivers()} and {@link #modules()} to a framework. */
    @SuppressWarnings("unchecked")
    PtySubsystem(KernelExtension<?> streams, StreamsAdmin admin) {
        if (streams.type() != Streams.class) {
            throw new IllegalArgumentException("the STREAMS framework's extension is " + streams.type() + ", not Streams");
        }
        this.streams = (KernelExtension<Streams>) streams;
        this.admin = admin;
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    /** The drivers, sharing this subsystem's tables (tests register them with a framework of their own). */
    List<StreamDriver> drivers() {
        return List.of(new PtmDriver(ptys), new PtsDriver(ptys));
    }

    List<StreamModule> modules() {
        return List.of(new LdtermModule(ptys), new PtemModule(ptys));
    }

    // ---- KernelExtension

    @Override
    public Class<Pty> type() {
        return Pty.class;
    }

    @Override
    public Pty bind(SystemCalls caller) {
        return new PtyCalls(caller, streams.bind(caller), ptys);
    }

    // ---- PartitionListener

    @Override
    public void partitionChanged(PartitionEvent event) {
        boolean ends = event.to().isEmpty() || event.to().get() == PartitionState.STOPPED || event.to().get() == PartitionState.BROKEN;
        if (ends) {
            ptys.discard(event.partition(), event.node());
        }
    }

    // ---- CheckpointParticipant

    @Override
    public String section() {
        return SECTION;
    }

    @Override
    public int version() {
        return PtySection.VERSION;
    }

    @Override
    public Set<String> restoreAfter() {
        return Set.of("streams");
    }

    @Override
    public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
        PtyTable table = ptys.existing(context.partition()).orElse(new PtyTable(context.partition(), context.node()));
        PtySection.write(out, PtySection.processes(table), PtySection.entries(table));
        PtySection.write(out, PtySection.console(table));
        synchronized (table) {
            table.checkpointing = true;
        }
    }

    @Override
    public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
        PtyTable table = ptys.takeRestoring(context.partition());
        List<PtySection.Process> processes = PtySection.readProcesses(in, in.remaining());
        List<PtySection.Entry> entries = PtySection.readEntries(in, in.remaining());
        PtySection.Console console = PtySection.readConsole(in, in.remaining());
        PtySection.apply(table, processes, entries);
        PtySection.apply(table, console);
        ptys.promote(table, context.node());
    }

    @Override
    public void discard(RestoreContext context) {
        ptys.discard(context.partition(), context.node());
    }

    // ---- PtyAdmin

    @Override
    public List<PtyInfo> ptys(String partition) {
        PtyTable table = ptys.existing(partition).orElse(null);
        if (table == null) {
            return List.of();
        }
        List<StreamInfo> streamInfos = admin.streams(partition);
        List<PtyInfo> out = new ArrayList<>();
        synchronized (table) {
            for (PtyPair p : table.pairs.values()) {
                int master = p.master == null ? -1 : p.master.rq.stream();
                int slave = p.slave == null ? -1 : p.slave.rq.stream();
                LdtermModule.Ldterm ldterm = slave < 0 ? null : table.ldterms.get(slave);
                PtemModule.Ptem ptem = slave < 0 ? null : table.ptems.get(slave);
                StreamInfo ms = stream(streamInfos, master);
                StreamInfo ss = stream(streamInfos, slave);
                int toMaster = bytes(ms, true) + bytes(ss, false);
                int toSlave = bytes(ss, true) + bytes(ms, false) + (ldterm == null ? 0 : ldterm.pending());
                out.add(new PtyInfo(p.number, p.state(), master, slave, ldterm == null ? null : ldterm.termios, ptem == null ? null : ptem.size,
                        p.packet, p.session, p.foreground, toMaster, toSlave, ss == null ? List.of() : ss.modules()));
            }
        }
        return out;
    }

    private PtyTable consoleTable(String partition) {
        PtyTable table = ptys.existing(partition).orElse(null);
        if (table == null || table.console < 0) {
            throw new IllegalArgumentException("partition " + partition + " has no console (run a console workload such as mini-shell in it)");
        }
        return table;
    }

    @Override
    public void consoleWrite(String partition, byte[] keys) {
        PtyTable table = consoleTable(partition);
        synchronized (table) {
            if (table.checkpointing) {
                throw new IllegalStateException("partition " + partition + " is being checkpointed; type again once it runs");
            }
            table.keys.writeBytes(keys);
        }
    }

    @Override
    public byte[] consoleRead(String partition) {
        PtyTable table = consoleTable(partition);
        synchronized (table) {
            byte[] shown = table.screen;
            table.screen = new byte[0];
            return shown;
        }
    }

    @Override
    public int console(String partition) {
        return ptys.existing(partition).map(t -> {
            synchronized (t) {
                return t.console;
            }
        }).orElse(-1);
    }

    private static StreamInfo stream(List<StreamInfo> infos, int id) {
        return infos.stream().filter(s -> s.id() == id).findFirst().orElse(null);
    }

    /** Bytes queued on one side of a stream, head included. */
    private static int bytes(StreamInfo stream, boolean readSide) {
        return stream == null ? 0 : stream.queues().stream().filter(q -> q.readSide() == readSide).mapToInt(StreamInfo.QueueInfo::bytes).sum();
    }
}
