package dev.haven.shell.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.haven.api.cluster.Cluster;
import dev.haven.api.cluster.ClusterStatus;

/** {@code cluster:*}: this runtime as a node of a ZooKeeper-coordinated cluster. */
@Component(service = ClusterCommands.class, property = { "osgi.command.scope=cluster", "osgi.command.function=status",
        "osgi.command.function=await", "osgi.command.function=serve" })
public final class ClusterCommands {
    private static final long POLL_MILLIS = 50;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Cluster cluster;

    @Descriptor("members, leader, this node's ZooKeeper session, and who owns which partition under which epoch")
    public String status(@Descriptor("print JSON instead of tables") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        ClusterStatus status = cluster().status();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("node", status.node());
            out.put("connect", status.connect());
            out.put("session", status.session());
            out.put("sessionTimeoutMs", status.sessionTimeoutMillis());
            out.put("leader", status.leader().orElse(null));
            List<Map<String, Object>> members = new ArrayList<>();
            for (ClusterStatus.Member member : status.members()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", member.name());
                entry.put("live", member.live());
                entry.put("partitions", member.partitions());
                members.add(entry);
            }
            out.put("members", members);
            List<Map<String, Object>> partitions = new ArrayList<>();
            for (ClusterStatus.Ownership owner : status.partitions()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("partition", owner.partition());
                entry.put("node", owner.node());
                entry.put("epoch", owner.epoch());
                entry.put("state", owner.state());
                entry.put("reason", owner.reason().orElse(null));
                partitions.add(entry);
            }
            out.put("partitions", partitions);
            return Json.write(out);
        }
        StringBuilder out = new StringBuilder();
        out.append("node ").append(status.node()).append(", session ").append(status.session()).append(" to ")
                .append(status.connect()).append(" (timeout ").append(status.sessionTimeoutMillis()).append(" ms), leader ")
                .append(status.leader().orElse("none")).append('\n');
        Table members = new Table("MEMBER", "LIVE", "PARTITIONS");
        for (ClusterStatus.Member member : status.members()) {
            members.row(member.name() + (member.name().equals(status.node()) ? " (this)" : ""), member.live() ? "yes" : "no",
                    member.partitions().isEmpty() ? "-" : String.join(",", member.partitions()));
        }
        out.append(members);
        if (!status.partitions().isEmpty()) {
            Table owners = new Table("PARTITION", "OWNER", "EPOCH", "STATE", "REASON");
            for (ClusterStatus.Ownership owner : status.partitions()) {
                owners.row(owner.partition(), owner.node(), owner.epoch(), owner.state(), owner.reason().orElse("-"));
            }
            out.append('\n').append(owners);
        }
        return out.toString();
    }

    @Descriptor("wait until the cluster has at least N live members and a leader")
    public String await(@Descriptor("live members to wait for") @Parameter(names = "--members", absentValue = "1") int members,
            @Descriptor("give up after this many seconds") @Parameter(names = "--timeout", absentValue = "60") int seconds)
            throws InterruptedException {
        if (members < 1 || seconds < 1) {
            throw new IllegalArgumentException("--members and --timeout must be at least 1, got " + members + " and " + seconds);
        }
        Instant end = Instant.now().plus(Duration.ofSeconds(seconds));
        ClusterStatus last = null;
        while (Instant.now().isBefore(end)) {
            Cluster current = cluster;
            if (current != null) {
                last = current.status();
                long live = last.members().stream().filter(ClusterStatus.Member::live).count();
                if (live >= members && last.leader().isPresent()) {
                    return "cluster of " + live + " live members, leader " + last.leader().get();
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("no cluster of " + members + " live members with a leader within " + seconds + " s"
                + (last == null ? "; the cluster firmware is not configured (dev.haven.firmware.cluster)"
                        : "; live: " + last.members().stream().filter(ClusterStatus.Member::live).map(ClusterStatus.Member::name)
                                .toList() + ", leader " + last.leader().orElse("none")));
    }

    @Descriptor("keep this runtime running until its JVM is stopped (for scripts that start a node)")
    public void serve() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    private Cluster cluster() {
        Cluster current = cluster;
        if (current == null) {
            throw new IllegalStateException("this runtime is no cluster node: configure dev.haven.firmware.cluster "
                    + "(see the README, 'A cluster on one machine')");
        }
        return current;
    }
}
