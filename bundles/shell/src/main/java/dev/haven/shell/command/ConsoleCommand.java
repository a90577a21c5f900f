package dev.haven.shell.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.pty.PtyAdmin;

/**
 * {@code partition:console NAME}: attaches the operator's terminal, in raw mode, to the partition's console
 * pty; Ctrl-] detaches. The console session lives in the partition (its pty and the keystrokes not yet
 * relayed travel in the image), so one can detach, migrate and attach again where it left off.
 */
@Component(service = ConsoleCommand.class, property = { "osgi.command.scope=partition", "osgi.command.function=console" })
public final class ConsoleCommand {
    /** Ctrl-], as telnet's escape. */
    static final int DETACH = 0x1d;
    /** gogo.jline keeps the session's terminal under this name. */
    private static final String TERMINAL = ".jline.terminal";
    private static final long POLL_MS = 20;

    private final PtyAdmin ptys;

    @Activate
    public ConsoleCommand(@Reference PtyAdmin ptys) {
        this.ptys = ptys;
    }

    @Descriptor("attach this terminal to a partition's console (raw mode; Ctrl-] detaches)")
    public String console(CommandSession session, @Descriptor("the partition") String partition) throws IOException {
        if (!(session.get(TERMINAL) instanceof Terminal terminal) || Terminal.TYPE_DUMB.equals(terminal.getType())) {
            throw new IllegalStateException("partition:console needs the interactive shell on a real terminal; in scripts use "
                    + "pty:write and pty:read");
        }
        if (ptys.console(partition) < 0) {
            throw new IllegalArgumentException("partition " + partition + " has no console (run a console workload such as mini-shell in it)");
        }
        terminal.writer().println("attached to the console of " + partition + " (Ctrl-] detaches)");
        terminal.writer().flush();
        Attributes saved = terminal.enterRawMode();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        try {
            NonBlockingReader reader = terminal.reader();
            while (true) {
                try {
                    byte[] shown = ptys.consoleRead(partition);
                    if (shown.length > 0) {
                        terminal.output().write(shown);
                        terminal.output().flush();
                    }
                    if (pending.size() > 0) {
                        ptys.consoleWrite(partition, pending.toByteArray());
                        pending.reset();
                    }
                } catch (IllegalArgumentException | IllegalStateException moving) {
                    // checkpointed or between nodes: the keys wait here and the screen stays until it runs again
                }
                int c = reader.read(POLL_MS);
                if (c == NonBlockingReader.EOF || c == DETACH) {
                    break;
                }
                if (c >= 0) {
                    pending.writeBytes(String.valueOf((char) c).getBytes(StandardCharsets.UTF_8));
                }
            }
        } finally {
            terminal.setAttributes(saved);
        }
        return "\ndetached from the console of " + partition + (pending.size() > 0 ? " (" + pending.size() + " keys not delivered)" : "");
    }
}
