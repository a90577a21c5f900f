package dev.haven.firmware.cluster;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import dev.haven.api.checkpoint.CheckpointService;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.cluster.Cluster;
import dev.haven.api.cluster.ClusterStatus;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareEvent.Kind;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.FirmwareListener;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;

/**
 * The cluster firmware: this runtime is one node of a cluster whose state lives in ZooKeeper, under the
 * configured root:
 * <ul>
 * <li>{@code /members/<node>}: ephemeral, one per live node (its session);</li>
 * <li>{@code /leader}: a Curator leader latch; the leader restarts the partitions of dead nodes;</li>
 * <li>{@code /owners/<partition>}: who owns it, under which epoch, in which state ({@link Owner}); changed only by
 * compare-and-set on the znode version;</li>
 * <li>{@code /assignments/<node>/<partition>}: a restart the leader handed to the node, created in one transaction
 * with the owner record moving to that node under the next epoch; the node restarts the partition from its
 * newest consistency image in the shared image store and removes the assignment.</li>
 * </ul>
 * Fencing: a lease holds only while a ZooKeeper round trip sent less than 2/3 of the session timeout ago was
 * answered, while the session is not suspended, and while the owner record names this node with the lease's
 * epoch (checked every 1/6 of the timeout). The server expires a session no sooner than a full timeout after it
 * last heard the node, and only then does the leader reassign its partitions, so a node cut off has ended its
 * leases at least a third of the timeout before anybody else can be granted them (docs/ARCHITECTURE.md).
 */
@Component(service = { FirmwareDriver.class, Cluster.class }, immediate = true, configurationPid = ClusterFirmwareDriver.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "firmware.name=" + ClusterFirmwareDriver.NAME)
@Designate(ocd = ClusterConfig.class)
public final class ClusterFirmwareDriver implements FirmwareDriver, Cluster {
    static final String NAME = "cluster";
    static final String PID = "dev.haven.firmware.cluster";
    static final String MEMBERS = "/members";
    static final String OWNERS = "/owners";
    static final String ASSIGNMENTS = "/assignments";
    static final String LEADER = "/leader";
    private static final System.Logger LOG = System.getLogger(ClusterFirmwareDriver.class.getName());
    private static final Pattern NODE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern ROOT = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    private final String node;
    private final String connect;
    private final int sessionTimeoutMillis;
    private final CuratorFramework client;
    private final CuratorCache cache;
    private final PersistentNode member;
    private final LeaderLatch latch;
    private final LocalNodeKernel kernel;
    private final Map<String, ClusterLease> leases = new ConcurrentHashMap<>();
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();
    private final List<FirmwareListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService heartbeat;
    private final ExecutorService restarts;
    private final ExecutorService events;
    /** Serializes grants with the disowning of fenced partitions, so a fresh grant is never taken for a fenced one. */
    private final Object grants = new Object();
    /** System.nanoTime() at which the last answered round trip was sent; the session lived at least until then. */
    private volatile long confirmed = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile long validityNanos;
    private volatile ConnectionState session = ConnectionState.SUSPENDED;
    /** Only touched on the worker thread. */
    private Set<String> knownMembers = Set.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CheckpointService checkpoints;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ImageStore images;

    @Activate
    public ClusterFirmwareDriver(ClusterConfig config) {
        this(config.node(), config.connect(), config.session_timeout_ms(), config.root());
    }

    ClusterFirmwareDriver(String node, String connect, int sessionTimeoutMillis, String root) {
        if (node == null || !NODE_NAME.matcher(node).matches()) {
            throw new IllegalArgumentException(PID + ": invalid 'node' '" + node + "': use a lowercase letter followed "
                    + "by up to 30 lowercase letters, digits or '-'");
        }
        if (connect == null || connect.isBlank() || connect.contains(" ")) {
            throw new IllegalArgumentException(PID + ": 'connect' must be a ZooKeeper connection string such as "
                    + "zk1:2181,zk2:2181, got '" + connect + "'");
        }
        if (sessionTimeoutMillis < 1000 || sessionTimeoutMillis > 60_000) {
            throw new IllegalArgumentException(PID + ": 'session.timeout.ms' must be 1000 to 60000, got " + sessionTimeoutMillis);
        }
        if (root == null || !ROOT.matcher(root).matches()) {
            throw new IllegalArgumentException(PID + ": 'root' must be an absolute znode path such as /haven, got '" + root + "'");
        }
        this.node = node;
        this.connect = connect;
        this.sessionTimeoutMillis = sessionTimeoutMillis;
        this.validityNanos = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMillis) * 2 / 3;
        this.kernel = new LocalNodeKernel(node, System.currentTimeMillis());
        this.client = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(sessionTimeoutMillis)
                .connectionTimeoutMs(Math.max(1000, sessionTimeoutMillis / 2))
                .retryPolicy(new BoundedExponentialBackoffRetry(50, sessionTimeoutMillis / 4, 4))
                .namespace(root.substring(1)).build();
        this.worker = Executors.newSingleThreadScheduledExecutor(daemon("haven-cluster-" + node));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("haven-cluster-heartbeat-" + node));
        this.restarts = Executors.newSingleThreadExecutor(daemon("haven-cluster-restarts-" + node));
        this.events = Executors.newSingleThreadExecutor(daemon("haven-cluster-events-" + node));
        this.cache = CuratorCache.build(client, "/");
        this.member = new PersistentNode(client, CreateMode.EPHEMERAL, false, MEMBERS + "/" + node,
                ("node=" + node + "\n").getBytes(StandardCharsets.UTF_8));
        this.latch = new LeaderLatch(client, LEADER, node);
        client.getConnectionStateListenable().addListener((c, state) -> sessionChanged(state));
        cache.listenable().addListener((type, before, after) -> worker.execute(this::reconcile));
        client.start();
        cache.start();
        worker.execute(this::join);
        long beat = Math.max(50, sessionTimeoutMillis / 6);
        heartbeat.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        long sweep = Math.max(100, sessionTimeoutMillis / 4);
        worker.scheduleWithFixedDelay(this::reconcile, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Leaves the cluster: every lease ends first, then the session closes and the other nodes see this one gone. */
    @Deactivate
    void deactivate() {
        fenceAll("the cluster firmware driver of " + node + " stopped");
        heartbeat.shutdownNow();
        worker.shutdownNow();
        restarts.shutdownNow();
        kernel.kill();
        closeQuietly(latch::close);
        closeQuietly(member::close);
        closeQuietly(cache::close);
        closeQuietly(client::close);
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Closer {
        void close() throws Exception;
    }

    private static void closeQuietly(Closer closer) {
        try {
            closer.close();
        } catch (Exception | Error e) {
            LOG.log(Level.DEBUG, "while leaving the cluster", e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(FirmwareListener listener) {
        listeners.add(listener);
    }

    void removeListener(FirmwareListener listener) {
        listeners.remove(listener);
    }

    /** For tests outside a framework. */
    void setCheckpoints(CheckpointService service, ImageStore store) {
        this.checkpoints = service;
        this.images = store;
    }

    // ---- FirmwareDriver

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<NodeInfo> nodes() {
        Set<String> live = members();
        Map<String, Set<String>> owned = new TreeMap<>();
        owned.put(node, new TreeSet<>());
        live.forEach(name -> owned.put(name, new TreeSet<>()));
        for (Map.Entry<String, Owner> entry : owners().entrySet()) {
            Owner owner = entry.getValue();
            if (owner.state() == Owner.State.RUNNING || owner.state() == Owner.State.ASSIGNED) {
                owned.computeIfAbsent(owner.node(), key -> new TreeSet<>()).add(entry.getKey());
            }
        }
        List<NodeInfo> nodes = new ArrayList<>();
        owned.forEach((name, partitions) -> nodes.add(new NodeInfo(name,
                live.contains(name) && (!name.equals(node) || connected()) ? NodeState.UP : NodeState.DOWN,
                boot(name), partitions)));
        return nodes;
    }

    @Override
    public NodeKernel kernel(String name) {
        requireLocal(name, "its kernel");
        return kernel;
    }

    @Override
    public Lease host(String partition, String name) {
        java.util.Objects.requireNonNull(partition, "partition");
        requireLocal(name, partition);
        if (!connected()) {
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " has no ZooKeeper session (" + session
                    + "); it cannot host " + partition + " until it is connected to " + connect);
        }
        if (!members().contains(node)) {
            // Not a member yet (or again): the leader would take the partition for a dead node's and restart it elsewhere.
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " has not joined the cluster at " + connect
                    + " yet; it cannot host " + partition);
        }
        synchronized (grants) {
            ClusterLease current = leases.get(partition);
            if (current != null && current.valid()) {
                throw new FirmwareException(Reason.ALREADY_HOSTED, "partition " + partition + " already runs on " + node
                        + " (epoch " + current.epoch() + ")");
            }
            long sent = System.nanoTime();
            long epoch = claim(partition);
            confirm(sent);
            ClusterLease lease = new ClusterLease(this, partition, node, epoch);
            leases.put(partition, lease);
            return lease;
        }
    }

    /** Takes the owner record of a partition for this node under the next epoch; returns that epoch. */
    private long claim(String partition) {
        String path = OWNERS + "/" + partition;
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException e) {
                    try {
                        client.create().creatingParentsIfNeeded().forPath(path, Owner.running(node, 1).bytes());
                        return 1;
                    } catch (KeeperException.NodeExistsException raced) {
                        continue;
                    }
                }
                Owner owner = Owner.parse(path, data);
                boolean active = owner.state() == Owner.State.RUNNING || owner.state() == Owner.State.ASSIGNED;
                if (active && !owner.node().equals(node) && client.checkExists().forPath(MEMBERS + "/" + owner.node()) != null) {
                    throw new FirmwareException(Reason.ALREADY_HOSTED, "partition " + partition + " belongs to node "
                            + owner.node() + " (epoch " + owner.epoch() + ", " + owner.state() + ")");
                }
                try {
                    client.setData().withVersion(stat.getVersion()).forPath(path, Owner.running(node, owner.epoch() + 1).bytes());
                    return owner.epoch() + 1;
                } catch (KeeperException.BadVersionException raced) {
                    continue;
                }
            }
            throw new FirmwareException(Reason.ALREADY_HOSTED, "partition " + partition
                    + " is being claimed by another node right now; try again");
        } catch (FirmwareException e) {
            throw e;
        } catch (Exception e) {
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " could not record that it hosts " + partition
                    + " in ZooKeeper at " + connect + ": " + e.getMessage());
        }
    }

    private void requireLocal(String name, String what) {
        if (node.equals(name)) {
            return;
        }
        if (name != null && (members().contains(name) || nodes().stream().anyMatch(info -> info.name().equals(name)))) {
            throw new FirmwareException(Reason.NOT_SUPPORTED, "node " + name + " is another runtime of the cluster; "
                    + "this runtime is node " + node + " and can host " + what + " only here (the cluster leader "
                    + "hands restarts to other nodes)");
        }
        throw new FirmwareException(Reason.UNKNOWN_NODE, "no node named '" + name + "'; the " + NAME
                + " firmware has " + nodes().stream().map(NodeInfo::name).toList());
    }

    // ---- leases and fencing

    /** Whether this node's session is known to be alive now, with a third of the timeout to spare. */
    boolean sessionConfirmed() {
        return session.isConnected() && System.nanoTime() - confirmed < validityNanos;
    }

    private void confirm(long sent) {
        if (sent - confirmed > 0) {
            confirmed = sent;
        }
    }

    private boolean connected() {
        return session.isConnected() && client.getZookeeperClient().isConnected();
    }

    void release(ClusterLease lease) {
        synchronized (grants) {
            if (!lease.end()) {
                return;
            }
            leases.remove(lease.partition(), lease);
        }
        String path = OWNERS + "/" + lease.partition();
        try {
            Stat stat = new Stat();
            Owner owner = Owner.parse(path, client.getData().storingStatIn(stat).forPath(path));
            if (owner.node().equals(node) && owner.epoch() == lease.epoch()) {
                client.setData().withVersion(stat.getVersion()).forPath(path,
                        owner.with(Owner.State.RELEASED, Optional.empty()).bytes());
            }
        } catch (Exception e) {
            // The partition stopped here either way; the owner record still says RUNNING, so if this node's session
            // dies before it is corrected the leader restarts the partition elsewhere: logged, not hidden.
            LOG.log(Level.WARNING, "could not record in ZooKeeper that " + lease.partition() + " was stopped on " + node
                    + ": " + e.getMessage());
        }
    }

    private void fence(ClusterLease lease, String reason) {
        if (lease.end()) {
            leases.remove(lease.partition(), lease);
            LOG.log(Level.WARNING, "fenced " + lease.partition() + " on " + node + ": " + reason);
            post(new FirmwareEvent(Kind.PARTITION_DIED, NAME, node, Optional.of(lease.partition()),
                    "partition " + lease.partition() + " fenced on " + node + ": " + reason, Instant.now()));
        }
    }

    private void fenceAll(String reason) {
        for (ClusterLease lease : List.copyOf(leases.values())) {
            fence(lease, reason);
        }
    }

    private void sessionChanged(ConnectionState state) {
        if (!state.isConnected()) {
            // Fence before anything else can happen: the session may be expired by the server from now on.
            session = state;
            fenceAll("ZooKeeper connection " + state.name().toLowerCase());
            return;
        }
        try {
            int negotiated = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
            validityNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(sessionTimeoutMillis, negotiated > 0 ? negotiated
                    : sessionTimeoutMillis)) * 2 / 3;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "no negotiated session timeout yet", e);
        }
        session = state;
        worker.execute(this::disownFenced);
    }

    /** Every 1/6 of the session timeout: a round trip that confirms the session, and each lease's epoch. */
    private void beat() {
        long sent = System.nanoTime();
        try {
            if (leases.isEmpty()) {
                client.checkExists().forPath(MEMBERS);
            }
            for (ClusterLease lease : List.copyOf(leases.values())) {
                String path = OWNERS + "/" + lease.partition();
                Owner owner;
                try {
                    owner = Owner.parse(path, client.getData().forPath(path));
                } catch (KeeperException.NoNodeException e) {
                    fence(lease, "its owner record " + path + " was removed");
                    continue;
                }
                if (!owner.node().equals(node) || owner.epoch() != lease.epoch() || owner.state() != Owner.State.RUNNING) {
                    fence(lease, "ownership moved to " + owner.node() + " (epoch " + owner.epoch() + ", " + owner.state()
                            + "); this node's epoch " + lease.epoch() + " is stale");
                }
            }
            if (session.isConnected()) {
                confirm(sent);
            }
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "heartbeat round trip failed", e);
        }
        if (!leases.isEmpty() && !sessionConfirmed()) {
            fenceAll("no answer from ZooKeeper for "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - confirmed) + " ms");
        }
    }

    // ---- membership, assignments, leadership (worker thread)

    /** Enters the cluster once connected: partitions it owned in a former life are marked lost first. */
    private void join() {
        try {
            if (!client.blockUntilConnected(sessionTimeoutMillis, TimeUnit.MILLISECONDS)) {
                worker.schedule(this::join, 100, TimeUnit.MILLISECONDS);
                return;
            }
            client.create().orSetData().creatingParentsIfNeeded().forPath(ASSIGNMENTS + "/" + node);
            client.createContainers(OWNERS);
            client.createContainers(MEMBERS);
            disownFenced();
            member.start();
            latch.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "node " + node + " could not join the cluster at " + connect + " yet: " + e.getMessage());
            worker.schedule(this::join, sessionTimeoutMillis / 4, TimeUnit.MILLISECONDS);
        }
    }

    /** Owner records naming this node as RUNNING without a lease here: their instance is gone, the leader must act. */
    private void disownFenced() {
        try {
            if (client.checkExists().forPath(OWNERS) == null) {
                return;
            }
            for (String partition : client.getChildren().forPath(OWNERS)) {
                String path = OWNERS + "/" + partition;
                synchronized (grants) {
                    Stat stat = new Stat();
                    Owner owner = Owner.parse(path, client.getData().storingStatIn(stat).forPath(path));
                    if (owner.node().equals(node) && owner.state() == Owner.State.RUNNING && !leases.containsKey(partition)) {
                        client.setData().withVersion(stat.getVersion()).forPath(path, owner.with(Owner.State.LOST,
                                Optional.of("its instance on " + node + " is gone (fenced or rebooted)")).bytes());
                        LOG.log(Level.INFO, "partition " + partition + " no longer runs on " + node + "; the leader restarts it");
                    }
                }
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "could not hand back fenced partitions of " + node + ": " + e.getMessage());
        }
    }

    private void reconcile() {
        try {
            Set<String> live = members();
            for (String gone : difference(knownMembers, live)) {
                post(new FirmwareEvent(Kind.NODE_DOWN, NAME, gone, Optional.empty(),
                        "node " + gone + " left the cluster (its ZooKeeper session ended)", Instant.now()));
            }
            for (String joined : difference(live, knownMembers)) {
                post(new FirmwareEvent(Kind.NODE_UP, NAME, joined, Optional.empty(), "node " + joined + " joined the cluster",
                        Instant.now()));
            }
            knownMembers = live;
            if (latch.hasLeadership() && connected()) {
                recover(live);
            }
            for (String partition : children(ASSIGNMENTS + "/" + node)) {
                if (restarting.add(partition)) {
                    restarts.execute(() -> {
                        try {
                            execute(partition);
                        } finally {
                            restarting.remove(partition);
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster reconciliation on " + node + " failed: " + e.getMessage(), e);
        }
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    /** The leader's part: every orphaned partition is handed to the live node that owns the fewest. */
    private void recover(Set<String> live) {
        Map<String, Owner> owners = owners();
        Map<String, Integer> load = new TreeMap<>();
        live.forEach(name -> load.put(name, 0));
        owners.values().stream().filter(owner -> !owner.orphaned(live)
                && (owner.state() == Owner.State.RUNNING || owner.state() == Owner.State.ASSIGNED))
                .forEach(owner -> load.computeIfPresent(owner.node(), (name, count) -> count + 1));
        for (Map.Entry<String, Owner> entry : owners.entrySet()) {
            String partition = entry.getKey();
            Owner owner = entry.getValue();
            if (!owner.orphaned(live)) {
                continue;
            }
            String path = OWNERS + "/" + partition;
            Optional<ChildData> current = cache.get(path);
            if (current.isEmpty()) {
                continue;
            }
            int version = current.get().getStat().getVersion();
            Optional<String> target = load.entrySet().stream().filter(e -> !owner.tried().contains(e.getKey()))
                    .min(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey);
            try {
                if (target.isEmpty()) {
                    client.setData().withVersion(version).forPath(path, owner.with(Owner.State.BROKEN,
                            Optional.of("no live node left to restart it" + (owner.tried().isEmpty() ? ""
                                    : "; failed on " + String.join(", ", owner.tried())))).bytes());
                    LOG.log(Level.ERROR, "partition " + partition + " is broken: no live node could restart it");
                    continue;
                }
                Owner next = owner.assignedTo(target.get());
                client.transaction().forOperations(
                        client.transactionOp().setData().withVersion(version).forPath(path, next.bytes()),
                        client.transactionOp().create().forPath(ASSIGNMENTS + "/" + target.get() + "/" + partition,
                                ("epoch=" + next.epoch() + "\nfrom=" + owner.node() + "\n").getBytes(StandardCharsets.UTF_8)));
                load.merge(target.get(), 1, Integer::sum);
                LOG.log(Level.INFO, "leader " + node + ": partition " + partition + " of " + owner.node() + " ("
                        + owner.state() + ") goes to " + target.get() + " under epoch " + next.epoch());
            } catch (Exception e) {
                // Someone changed the record first (a version conflict) or ZooKeeper is unreachable: the next sweep looks again.
                LOG.log(Level.DEBUG, "leader " + node + " could not reassign " + partition + ": " + e.getMessage());
            }
        }
    }

    /** Runs a restart the leader assigned to this node, from the partition's newest consistency image. */
    private void execute(String partition) {
        String assignment = ASSIGNMENTS + "/" + node + "/" + partition;
        String path = OWNERS + "/" + partition;
        try {
            Stat stat = new Stat();
            Owner owner = Owner.parse(path, client.getData().storingStatIn(stat).forPath(path));
            long epoch = Long.parseLong(properties(client.getData().forPath(assignment)).getOrDefault("epoch", "-1"));
            if (!owner.node().equals(node) || owner.state() != Owner.State.ASSIGNED || owner.epoch() != epoch) {
                LOG.log(Level.INFO, "dropping the stale assignment of " + partition + " (epoch " + epoch + "); the owner "
                        + "record says " + owner.node() + ", epoch " + owner.epoch() + ", " + owner.state());
                client.delete().forPath(assignment);
                return;
            }
            String failure = restart(partition);
            if (failure != null) {
                LOG.log(Level.WARNING, "node " + node + " could not restart " + partition + ": " + failure);
                client.transaction().forOperations(
                        client.transactionOp().setData().withVersion(stat.getVersion()).forPath(path,
                                owner.failedOn("restart on " + node + " failed: " + failure).bytes()),
                        client.transactionOp().delete().forPath(assignment));
                return;
            }
            client.delete().forPath(assignment);
        } catch (KeeperException.NoNodeException e) {
            LOG.log(Level.DEBUG, "assignment of " + partition + " vanished", e);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "assignment of " + partition + " to " + node + " could not be run: " + e.getMessage(), e);
        }
    }

    /** Restarts a partition here; returns why it failed, or null. */
    private String restart(String partition) {
        CheckpointService service = checkpoints;
        ImageStore store = images;
        if (service == null || store == null) {
            return "node " + node + " has no " + (service == null ? "kernel" : "image store");
        }
        Optional<ImageInfo> image;
        try {
            List<ImageInfo> all = store.list(Optional.of(partition));
            image = all.stream().filter(info -> "consistency".equals(info.header().attributes().get("kind"))).findFirst()
                    .or(() -> all.stream().findFirst());
        } catch (Exception e) {
            return "cannot list its images: " + e.getMessage();
        }
        if (image.isEmpty()) {
            return "the image store has no image of " + partition;
        }
        try {
            service.restart(image.get().id(), new RestartOptions(Optional.of(node), Optional.empty(), ProgressListener.NONE));
            LOG.log(Level.INFO, "node " + node + " restarted " + partition + " from image " + image.get().id() + " (kind="
                    + image.get().header().attributes().getOrDefault("kind", "?") + ") as the leader assigned it");
            return null;
        } catch (RuntimeException e) {
            return "restart from " + image.get().id() + ": " + e.getMessage();
        }
    }

    private static Map<String, String> properties(byte[] data) {
        Map<String, String> out = new HashMap<>();
        for (String line : new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    // ---- views of the cache

    private Set<String> members() {
        return new TreeSet<>(children(MEMBERS));
    }

    private long boot(String name) {
        return cache.get(MEMBERS + "/" + name).map(data -> data.getStat().getCzxid()).orElse(0L);
    }

    private List<String> children(String parent) {
        String prefix = parent + "/";
        List<String> out = new ArrayList<>();
        cache.stream().map(ChildData::getPath).filter(path -> path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0)
                .forEach(path -> out.add(path.substring(prefix.length())));
        out.sort(null);
        return out;
    }

    private Map<String, Owner> owners() {
        Map<String, Owner> out = new TreeMap<>();
        for (String partition : children(OWNERS)) {
            cache.get(OWNERS + "/" + partition).ifPresent(data -> {
                try {
                    out.put(partition, Owner.parse(data.getPath(), data.getData()));
                } catch (IllegalStateException e) {
                    LOG.log(Level.WARNING, e.getMessage());
                }
            });
        }
        return out;
    }

    // ---- Cluster

    @Override
    public ClusterStatus status() {
        Optional<String> leader;
        try {
            Participant participant = latch.getLeader();
            leader = participant.isLeader() ? Optional.of(participant.getId()) : Optional.empty();
        } catch (Exception e) {
            leader = Optional.empty();
        }
        List<ClusterStatus.Member> members = new ArrayList<>();
        for (NodeInfo info : nodes()) {
            members.add(new ClusterStatus.Member(info.name(), info.state() == NodeState.UP, List.copyOf(info.partitions())));
        }
        List<ClusterStatus.Ownership> partitions = new ArrayList<>();
        owners().forEach((partition, owner) -> partitions.add(new ClusterStatus.Ownership(partition, owner.node(),
                owner.epoch(), owner.state().name(), owner.reason())));
        long timeout = sessionTimeoutMillis;
        try {
            int negotiated = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
            timeout = negotiated > 0 ? negotiated : timeout;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "no session yet", e);
        }
        String state = connected() ? "CONNECTED" : session.name();
        return new ClusterStatus(node, connect, state, timeout, leader, members, partitions);
    }

    private void post(FirmwareEvent event) {
        try {
            events.execute(() -> {
                for (FirmwareListener listener : listeners) {
                    try {
                        listener.firmwareEvent(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "firmware listener " + listener + " failed on " + event, e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "driver stopped; event dropped: " + event);
        }
    }
}
