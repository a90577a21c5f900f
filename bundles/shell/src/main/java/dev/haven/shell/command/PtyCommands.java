package dev.haven.shell.command;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.pty.PtyAdmin;
import dev.haven.api.pty.PtyInfo;

/**
 * {@code pty:list}, and the operator's side of a partition's console without a terminal: {@code pty:write}
 * types keys, {@code pty:read} shows what the console printed.
 */
@Component(service = PtyCommands.class, property = { "osgi.command.scope=pty", "osgi.command.function=list",
        "osgi.command.function=write", "osgi.command.function=read" })
public final class PtyCommands {
    private final PtyAdmin ptys;

    @Activate
    public PtyCommands(@Reference PtyAdmin ptys) {
        this.ptys = ptys;
    }

    @Descriptor("list a partition's ptys: number, state, stream ids, termios summary, window size, session and foreground group, queued bytes")
    public String list(
            @Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the partition") String partition) {
        List<PtyInfo> all = ptys.ptys(partition);
        int console = ptys.console(partition);
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (PtyInfo p : all) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("number", p.number());
                e.put("console", p.number() == console);
                e.put("state", p.state());
                e.put("masterStream", p.masterStream());
                e.put("slaveStream", p.slaveStream());
                e.put("termios", p.termios() == null ? null : p.termios().summary());
                e.put("winsize", p.winsize() == null ? null : p.winsize().toString());
                e.put("packet", p.packet());
                e.put("session", p.session());
                e.put("foreground", p.foreground());
                e.put("toMaster", p.toMaster());
                e.put("toSlave", p.toSlave());
                e.put("modules", p.modules());
                out.add(e);
            }
            return Json.write(out);
        }
        if (all.isEmpty()) {
            return "partition " + partition + " has no ptys";
        }
        Table table = new Table("PTY", "STATE", "MASTER", "SLAVE", "TERMIOS", "WINSIZE", "PKT", "SID", "FG", "TO-MASTER", "TO-SLAVE");
        for (PtyInfo p : all) {
            table.row("pts/" + p.number() + (p.number() == console ? " (console)" : ""), p.state(), stream(p.masterStream()),
                    stream(p.slaveStream()), p.termios() == null ? "-" : p.termios().summary(), p.winsize() == null ? "-" : p.winsize(),
                    p.packet() ? "on" : "off", p.session(), p.foreground(), p.toMaster(), p.toSlave());
        }
        return table.toString();
    }

    private static String stream(int id) {
        return id < 0 ? "-" : "stream " + id;
    }

    @Descriptor("type keys at a partition's console; escapes: \\r \\n \\t \\\\ \\xHH, and ^X for a control key (^C, ^D, ^U, ^?)")
    public String write(
            @Descriptor("end with Return (\\r)") @Parameter(names = { "-r", "--return" }, presentValue = "true", absentValue = "false") boolean enter,
            @Descriptor("the partition") String partition,
            @Descriptor("the keys") String keys) {
        byte[] bytes = keys(keys + (enter ? "\\r" : ""));
        ptys.consoleWrite(partition, bytes);
        return "typed " + bytes.length + " keys at " + partition + "'s console";
    }

    /** The keys an escaped string names. */
    static byte[] keys(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(++i);
                switch (e) {
                    case 'r' -> out.write('\r');
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case '\\' -> out.write('\\');
                    case 'x' -> {
                        if (i + 2 >= text.length()) {
                            throw new IllegalArgumentException("\\x needs two hex digits: " + text);
                        }
                        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text + " (\\r \\n \\t \\\\ \\xHH)");
                }
            } else if (c == '^' && i + 1 < text.length()) {
                char k = text.charAt(++i);
                if (k == '?') {
                    out.write(0x7f);
                } else if (k == '^') {
                    out.write('^');
                } else if (Character.toUpperCase(k) >= '@' && Character.toUpperCase(k) <= '_') {
                    out.write(Character.toUpperCase(k) ^ 0x40);
                } else {
                    throw new IllegalArgumentException("^" + k + " is not a control key (^@ to ^_, ^?, ^^ for a caret)");
                }
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Descriptor("show what a partition's console printed since the last read (control characters escaped)")
    public String read(
            @Descriptor("wait until the output contains this text (escaped as shown, or as it is), and for the console to exist") @Parameter(names = { "-u", "--until" }, absentValue = "") String until,
            @Descriptor("seconds to wait for --until") @Parameter(names = { "-t", "--timeout" }, absentValue = "10") int timeout,
            @Descriptor("the partition") String partition) throws InterruptedException {
        if (until.isEmpty()) {
            return escape(new String(ptys.consoleRead(partition), StandardCharsets.UTF_8));
        }
        StringBuilder shown = new StringBuilder();
        long deadline = System.nanoTime() + timeout * 1_000_000_000L;
        while (true) {
            try {
                shown.append(new String(ptys.consoleRead(partition), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException noConsoleYet) {
                if (System.nanoTime() > deadline) {
                    throw noConsoleYet;
                }
            }
            // --until matches the output as shown (escaped) or as it is
            if (shown.toString().contains(until) || escape(shown.toString()).contains(until)) {
                return escape(shown.toString());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the console of " + partition + " did not show '" + until + "' within " + timeout
                        + " s; it showed: " + escape(shown.toString()));
            }
            Thread.sleep(20); // the operator's side polls the console as a terminal would be refreshed
        }
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
