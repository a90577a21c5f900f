package dev.haven.shell.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.haven.api.firmware.FaultInjector;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeInfo;

/** {@code node:*}: the nodes of the active firmware driver, and fault injection. */
@Component(service = NodeCommands.class, property = { "osgi.command.scope=node", "osgi.command.function=list",
        "osgi.command.function=crash", "osgi.command.function=revive" })
public final class NodeCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FirmwareDriver driver;

    @Descriptor("list the nodes of the active firmware driver")
    public String list(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        FirmwareDriver firmware = driver();
        List<NodeInfo> nodes = firmware.nodes();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (NodeInfo node : nodes) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", node.name());
                entry.put("state", node.state().name());
                entry.put("boot", node.boot());
                entry.put("partitions", node.partitions().stream().sorted().toList());
                entry.put("driver", firmware.name());
                out.add(entry);
            }
            return Json.write(out);
        }
        Table table = new Table("NODE", "STATE", "BOOT", "PARTITIONS");
        for (NodeInfo node : nodes) {
            table.row(node.name(), node.state(), node.boot(),
                    node.partitions().isEmpty() ? "-" : String.join(",", node.partitions().stream().sorted().toList()));
        }
        return table.toString();
    }

    @Descriptor("crash a node: every partition on it dies and its kernel state is lost")
    public String crash(@Descriptor("the node to crash") String node) {
        FirmwareDriver firmware = driver();
        List<String> hosted = hosted(firmware, node);
        faults(firmware).crash(node);
        return "node " + node + " crashed" + (hosted.isEmpty() ? "" : "; partitions lost: " + String.join(", ", hosted));
    }

    @Descriptor("boot a crashed node again, with an empty kernel")
    public String revive(@Descriptor("the node to revive") String node) {
        faults(driver()).revive(node);
        return "node " + node + " is up";
    }

    private FirmwareDriver driver() {
        FirmwareDriver firmware = driver;
        if (firmware == null) {
            throw new IllegalStateException("no firmware driver is installed");
        }
        return firmware;
    }

    private static FaultInjector faults(FirmwareDriver firmware) {
        return firmware.faults().orElseThrow(() -> new IllegalStateException(
                "the " + firmware.name() + " firmware driver does not support fault injection"));
    }

    private static List<String> hosted(FirmwareDriver firmware, String node) {
        return firmware.nodes().stream().filter(info -> info.name().equals(node))
                .flatMap(info -> info.partitions().stream()).sorted().toList();
    }
}
