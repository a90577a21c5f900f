package dev.haven.shell.command;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.ha.HaEvent;
import dev.haven.api.ha.HaManager;
import dev.haven.api.ha.HaPolicy;
import dev.haven.api.ha.HaStatus;

/** {@code ha:*}: failover policies, their ladder and the event log. */
@Component(service = HaCommands.class, property = { "osgi.command.scope=ha", "osgi.command.function=policy",
        "osgi.command.function=enable", "osgi.command.function=disable", "osgi.command.function=status",
        "osgi.command.function=events" })
public final class HaCommands {
    private static final String[] STEPS = { "healthy", "on consistency image", "on boot image", "broken" };

    private final HaManager ha;

    @Activate
    public HaCommands(@Reference HaManager ha) {
        this.ha = ha;
    }

    @Descriptor("set a partition's failover policy (it stays disabled until ha:enable)")
    public String policy(
            @Descriptor("consistency-failover-image nodes, comma-separated, in order") @Parameter(names = "--cfi", absentValue = "") String cfi,
            @Descriptor("boot-failover-image nodes, comma-separated, in order") @Parameter(names = "--bfi", absentValue = "") String bfi,
            @Descriptor("the escalation window, e.g. 60s, 5m") @Parameter(names = "--window", absentValue = "60s") String window,
            @Descriptor("how often to take a consistency image, e.g. 10s") @Parameter(names = "--checkpoint-every", absentValue = "10s") String every,
            @Descriptor("consistency images to keep") @Parameter(names = "--keep", absentValue = "3") String keep,
            @Descriptor("how often to look at the heartbeat, e.g. 1s") @Parameter(names = "--heartbeat", absentValue = "1s") String heartbeat,
            @Descriptor("missed beats that make the partition hung") @Parameter(names = "--missed", absentValue = "3") String missed,
            @Descriptor("workloads whose crash or kill fails the partition, comma-separated") @Parameter(names = "--critical",
                    absentValue = "") String critical,
            @Descriptor("the partition") String partition) {
        if (cfi.isEmpty() && bfi.isEmpty()) {
            throw new IllegalArgumentException("a policy needs --cfi or --bfi nodes");
        }
        HaPolicy policy;
        try {
            policy = new HaPolicy(commaList(cfi), commaList(bfi), duration(window, "--window"), duration(every, "--checkpoint-every"),
                    Arguments.integer(keep, "--keep", 1, 100), duration(heartbeat, "--heartbeat"),
                    Arguments.integer(missed, "--missed", 1, 1000), false, Set.copyOf(commaList(critical)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ha:policy " + partition + ": " + e.getMessage());
        }
        HaPolicy set = ha.policy(partition, policy);
        return "policy of " + partition + ": CFI " + set.cfiNodes() + ", BFI " + set.bfiNodes() + ", window " + window
                + ", consistency image every " + every + ", keep " + set.keep() + ", hung after " + set.missedBeats()
                + " missed beats of " + heartbeat
                + (set.critical().isEmpty() ? "" : ", critical " + String.join(",", set.critical().stream().sorted().toList()))
                + (set.enabled() ? "" : " (disabled)");
    }

    @Descriptor("act on failures of a partition: consistency images start, a boot image is captured")
    public String enable(@Descriptor("the partition") String partition) {
        ha.enable(partition);
        return "HA enabled for " + partition;
    }

    @Descriptor("stop acting on failures of a partition")
    public String disable(@Descriptor("the partition") String partition) {
        ha.disable(partition);
        return "HA disabled for " + partition;
    }

    @Descriptor("per partition: policy, ladder step, last consistency image, boot image, last failure, last recovery time")
    public String status(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        List<HaStatus> statuses = ha.status();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (HaStatus status : statuses) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("partition", status.partition());
                entry.put("enabled", status.policy().enabled());
                entry.put("cfi", status.policy().cfiNodes());
                entry.put("bfi", status.policy().bfiNodes());
                entry.put("window", status.policy().window().toString());
                entry.put("critical", status.policy().critical().stream().sorted().toList());
                entry.put("step", status.step());
                entry.put("lastImage", Json.of(status.lastImage()));
                entry.put("bootImage", Json.of(status.bootImage()));
                entry.put("lastFailure", status.lastFailure().map(Object::toString).orElse(null));
                entry.put("lastRecoveryMillis", status.lastRecovery().map(Duration::toMillis).orElse(null));
                out.add(entry);
            }
            return Json.write(out);
        }
        if (statuses.isEmpty()) {
            return "no HA policies";
        }
        Table table = new Table("PARTITION", "HA", "CFI", "BFI", "WINDOW", "STEP", "LAST IMAGE", "BOOT IMAGE", "LAST FAILURE", "RECOVERY");
        for (HaStatus status : statuses) {
            table.row(status.partition(), status.policy().enabled() ? "on" : "off", String.join(",", status.policy().cfiNodes()),
                    String.join(",", status.policy().bfiNodes()), status.policy().window(), STEPS[Math.min(3, status.step())],
                    status.lastImage().orElse("-"), status.bootImage().orElse("-"),
                    status.lastFailure().map(Object::toString).orElse("-"),
                    status.lastRecovery().map(Durations::format).orElse("-"));
        }
        return table.toString();
    }

    @Descriptor("the HA event log, oldest first")
    public String events(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json, @Descriptor("only this partition's events") String... partition) {
        List<HaEvent> events = ha.events(partition.length == 0 ? Optional.empty() : Optional.of(partition[0]));
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (HaEvent event : events) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("at", event.at().toString());
                entry.put("partition", event.partition());
                entry.put("kind", event.kind().name());
                entry.put("message", event.message());
                out.add(entry);
            }
            return Json.write(out);
        }
        if (events.isEmpty()) {
            return "no HA events";
        }
        Table table = new Table("TIME", "PARTITION", "EVENT", "WHAT");
        for (HaEvent event : events) {
            table.row(event.at(), event.partition(), event.kind(), event.message());
        }
        return table.toString();
    }

    private static List<String> commaList(String list) {
        return list.isBlank() ? List.of() : Arrays.stream(list.split(",")).map(String::trim).toList();
    }

    /** 500ms, 10s, 5m, 1h, or an ISO-8601 duration. */
    static Duration duration(String text, String what) {
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text);
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException(text);
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(what + " must be a duration such as 500ms, 10s, 5m or PT1M, not '" + text + "'");
        }
    }
}
