package dev.haven.shell.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.haven.api.firmware.FirmwareDriver;

/** {@code firmware:list}: every installed firmware driver, and which one is active. */
@Component(service = FirmwareCommands.class, property = { "osgi.command.scope=firmware", "osgi.command.function=list" })
public final class FirmwareCommands {

    /** Drivers by service reference, which sorts by ranking then age as the framework picks them. */
    private final Map<ServiceReference<FirmwareDriver>, FirmwareDriver> drivers = new ConcurrentSkipListMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDriver(ServiceReference<FirmwareDriver> reference, FirmwareDriver driver) {
        drivers.put(reference, driver);
    }

    void removeDriver(ServiceReference<FirmwareDriver> reference) {
        drivers.remove(reference);
    }

    @Descriptor("list the installed firmware drivers; the highest-ranked one is active")
    public String list(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        List<Map<String, Object>> out = new ArrayList<>();
        // ServiceReference.compareTo orders the best-ranked last.
        List<ServiceReference<FirmwareDriver>> ordered = new ArrayList<>(drivers.keySet());
        Collections.reverse(ordered);
        boolean first = true;
        for (ServiceReference<FirmwareDriver> reference : ordered) {
            FirmwareDriver driver = drivers.get(reference);
            if (driver == null) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", driver.name());
            entry.put("active", first);
            Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
            entry.put("ranking", ranking instanceof Integer value ? value : 0);
            entry.put("bundle", reference.getBundle() == null ? null : reference.getBundle().getSymbolicName());
            entry.put("nodes", driver.nodes().size());
            out.add(entry);
            first = false;
        }
        if (json) {
            return Json.write(out);
        }
        Table table = new Table("DRIVER", "ACTIVE", "RANKING", "NODES", "BUNDLE");
        for (Map<String, Object> entry : out) {
            table.row(entry.get("name"), (Boolean) entry.get("active") ? "yes" : "no", entry.get("ranking"),
                    entry.get("nodes"), entry.get("bundle"));
        }
        return table.isEmpty() ? "no firmware driver is installed" : table.toString();
    }
}
