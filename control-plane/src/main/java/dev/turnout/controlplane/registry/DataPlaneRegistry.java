package dev.turnout.controlplane.registry;

import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.Hello;
import dev.turnout.v1.Pause;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import dev.turnout.v1.Resume;
import dev.turnout.v1.RouteStatus;
import io.grpc.Status;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every data plane the control plane has heard from, by id, connected or not, with what it last reported.
 *
 * <p>One lock guards everything. Sends happen under it, so that a data plane that says Hello while a new
 * desired state is published gets both snapshots in version order, never an older one last; a
 * {@link ControlStream#send} only queues, so the lock is held briefly. Closing a replaced stream happens
 * outside the lock, and so do the calls to {@link FleetListener}s.
 *
 * <p>While a {@link #pause pause is in force}, a data plane that says Hello is sent it at once, after its
 * snapshot (under the same lock, so a pause and a Hello racing each other still end with the data plane
 * paused), and no data plane serves traffic while the fleet is paused.
 */
public final class DataPlaneRegistry {

    private static final Logger log = LoggerFactory.getLogger(DataPlaneRegistry.class);

    /** Longest rejection reason kept; a data plane's error should be one line. */
    static final int MAX_REJECTION_LENGTH = 500;

    private final Clock clock;
    private final SnapshotPreparer preparer;
    private final Object lock = new Object();
    private final Map<String, Entry> entries = new TreeMap<>();
    private final List<FleetListener> listeners = new CopyOnWriteArrayList<>();
    private ConfigSnapshot desired;
    private ControlMessage pauseInForce;

    /**
     * @param clock   for connected-since and last-seen times
     * @param desired the current desired state, or null while it is at version 0 (nothing to send)
     */
    public DataPlaneRegistry(Clock clock, ConfigSnapshot desired) {
        this(clock, desired, SnapshotPreparer.NONE);
    }

    /**
     * @param clock    for connected-since and last-seen times
     * @param desired  the current desired state, or null while it is at version 0 (nothing to send); prepared here
     * @param preparer what becomes of each desired state before it is sent (see {@link #publish})
     */
    public DataPlaneRegistry(Clock clock, ConfigSnapshot desired, SnapshotPreparer preparer) {
        this.clock = clock;
        this.preparer = preparer;
        this.desired = desired == null || desired.getVersion() == 0 ? null : preparer.prepare(desired);
    }

    /**
     * Registers the stream that sent {@code hello}, replacing (and closing, with ABORTED) an older stream
     * of the same id, and sends the desired snapshot at once unless the data plane applied it already.
     *
     * @param address the stream's remote address, for status
     */
    public Registration connect(Hello hello, String address, ControlStream stream) {
        String id = hello.getId();
        ControlStream replaced;
        long desiredVersion;
        synchronized (lock) {
            long now = clock.millis();
            Entry entry = entries.computeIfAbsent(id, Entry::new);
            replaced = entry.stream;
            entry.stream = stream;
            entry.address = address;
            entry.softwareVersion = hello.getSoftwareVersion();
            entry.appliedVersion = hello.getAppliedVersion();
            entry.connectedSince = now;
            entry.lastSeen = now;
            entry.phase = Phase.PHASE_UNSPECIFIED; // until it reports
            desiredVersion = desired == null ? 0 : desired.getVersion();
            if (desired != null && desired.getVersion() != hello.getAppliedVersion()) {
                stream.send(ControlMessage.newBuilder().setConfig(desired).build());
            }
            if (pauseInForce != null) {
                stream.send(pauseInForce);
                log.info("Data plane {} connected while the fleet is paused: sent it the pause ({})", id,
                        pauseInForce.getPause().getOperationId());
            }
        }
        if (hello.getAppliedVersion() > desiredVersion) {
            log.warn("Data plane {} serves version {}, newer than the desired state's {}: was the control plane's"
                    + " data directory replaced? {}", id, hello.getAppliedVersion(), desiredVersion,
                    desiredVersion == 0 ? "It keeps serving what it has until a change is applied here."
                            : "It is sent version " + desiredVersion + ".");
        }
        if (replaced != null) {
            log.info("Data plane {} connected again from {}; closing its previous stream", id, address);
            replaced.close(Status.ABORTED.withDescription(
                    "replaced by a newer stream from a data plane with the same id '" + id + "'"));
        } else {
            log.info("Data plane {} connected from {} (software {}, applied version {})", id, address,
                    hello.getSoftwareVersion().isEmpty() ? "unknown" : hello.getSoftwareVersion(), hello.getAppliedVersion());
        }
        tellListeners(l -> l.connected(id));
        return new Registration(id, stream);
    }

    /** Hears every data plane's stream from now on. */
    public void addListener(FleetListener listener) {
        listeners.add(listener);
    }

    public void removeListener(FleetListener listener) {
        listeners.remove(listener);
    }

    /**
     * Puts {@code pause} in force: sends it to every connected data plane now, and to each data plane that says
     * Hello until {@link #resume}. Sending the same pause again renews the data planes' lease.
     *
     * @return the ids of the data planes it was sent to
     */
    public List<String> pause(Pause pause) {
        ControlMessage message = ControlMessage.newBuilder().setPause(pause).build();
        synchronized (lock) {
            pauseInForce = message;
            return sendToConnectedIds(message);
        }
    }

    /**
     * Ends the pause in force, if any, and sends {@code resume} to every connected data plane.
     *
     * @return the ids of the data planes it was sent to
     */
    public List<String> resume(Resume resume) {
        ControlMessage message = ControlMessage.newBuilder().setResume(resume).build();
        synchronized (lock) {
            pauseInForce = null;
            return sendToConnectedIds(message);
        }
    }

    /** The ids of the data planes connected now. */
    public List<String> connectedIds() {
        synchronized (lock) {
            List<String> ids = new ArrayList<>();
            entries.forEach((id, e) -> {
                if (e.stream != null) {
                    ids.add(id);
                }
            });
            return ids;
        }
    }

    /** Sends {@code message} to one data plane; false if it is not connected. */
    public boolean send(String id, ControlMessage message) {
        synchronized (lock) {
            Entry entry = entries.get(id);
            return entry != null && entry.stream != null && entry.stream.send(message);
        }
    }

    /**
     * Makes {@code snapshot} the desired state and sends it to every connected data plane, as the
     * {@link SnapshotPreparer} makes it first (outside the lock: that may take a while). Ignored if a newer one
     * was published already (two changes racing to publish).
     *
     * @return how many data planes it was sent to
     */
    public int publish(ConfigSnapshot desiredState) {
        synchronized (lock) {
            if (desired != null && desiredState.getVersion() <= desired.getVersion()) {
                return 0;
            }
        }
        ConfigSnapshot snapshot = preparer.prepare(desiredState);
        synchronized (lock) {
            if (desired != null && snapshot.getVersion() <= desired.getVersion()) {
                return 0;
            }
            desired = snapshot;
            return sendToConnected(ControlMessage.newBuilder().setConfig(snapshot).build());
        }
    }

    /**
     * Sends a message to every connected data plane.
     *
     * @return how many it was sent to
     */
    public int broadcast(ControlMessage message) {
        synchronized (lock) {
            return sendToConnected(message);
        }
    }

    /** Every data plane known, by id. */
    public List<DataPlaneInfo> list() {
        synchronized (lock) {
            List<DataPlaneInfo> infos = new ArrayList<>(entries.size());
            for (Entry entry : entries.values()) {
                infos.add(entry.info());
            }
            return infos;
        }
    }

    /** Closes every open stream with {@code status}, e.g. when the control plane stops. */
    public void closeAll(Status status) {
        List<ControlStream> open = new ArrayList<>();
        synchronized (lock) {
            for (Entry entry : entries.values()) {
                if (entry.stream != null) {
                    open.add(entry.stream);
                    entry.stream = null;
                }
            }
        }
        for (ControlStream stream : open) {
            stream.close(status);
        }
    }

    private List<String> sendToConnectedIds(ControlMessage message) {
        List<String> sent = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (entry.stream != null && entry.stream.send(message)) {
                sent.add(entry.id);
            }
        }
        return sent;
    }

    /** Outside the lock. A listener that throws does not keep the others from hearing. */
    private void tellListeners(Consumer<FleetListener> call) {
        for (FleetListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                log.error("A fleet listener failed", e);
            }
        }
    }

    private int sendToConnected(ControlMessage message) {
        int sent = 0;
        for (Entry entry : entries.values()) {
            if (entry.stream != null && entry.stream.send(message)) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * What one stream reports after its Hello. Once a newer stream with the same id has replaced it, what
     * this one reports is ignored.
     */
    public final class Registration {

        private final String id;
        private final ControlStream stream;

        private Registration(String id, ControlStream stream) {
            this.id = id;
            this.stream = stream;
        }

        public String id() {
            return id;
        }

        public void status(DataPlaneStatus status) {
            synchronized (lock) {
                Entry entry = current();
                if (entry == null) {
                    return;
                }
                entry.lastSeen = clock.millis();
                entry.appliedVersion = status.getAppliedVersion();
                entry.connectedClients = status.getConnectedClients();
                entry.routes = List.copyOf(status.getRoutesList());
                entry.listeners = List.copyOf(status.getListenersList());
                entry.phase = status.getPhase();
                entry.inflight = status.getInflightCommands();
                entry.held = status.getHeldCommands();
                entry.lastPauseHeldMillis = status.getLastPauseHeldMillis();
                entry.lastPauseEnd = status.getLastPauseEnd();
                if (entry.appliedVersion >= entry.rejectedVersion) {
                    entry.clearRejection();
                }
            }
        }

        public void ack(ConfigAck ack) {
            synchronized (lock) {
                Entry entry = current();
                if (entry == null) {
                    return;
                }
                entry.lastSeen = clock.millis();
                if (ack.getApplied()) {
                    entry.appliedVersion = ack.getVersion();
                    if (ack.getVersion() >= entry.rejectedVersion) {
                        entry.clearRejection();
                    }
                } else {
                    entry.rejectedVersion = ack.getVersion();
                    entry.rejection = oneLine(ack.getError());
                }
            }
            if (ack.getApplied()) {
                log.info("Data plane {} applied version {}", id, ack.getVersion());
            } else {
                log.warn("Data plane {} rejected version {}: {}", id, ack.getVersion(), oneLine(ack.getError()));
            }
            tellListeners(l -> l.configAcked(id, ack));
        }

        /** Progress through a pause or a resume: kept for status, and passed on to the listeners. */
        public void pauseReport(PauseReport report) {
            synchronized (lock) {
                Entry entry = current();
                if (entry == null) {
                    return;
                }
                entry.lastSeen = clock.millis();
                entry.phase = report.getPhase();
                entry.inflight = report.getInflightCommands();
                entry.held = report.getHeldCommands();
                if (report.getPhase() == Phase.SERVING && !report.getEnd().isEmpty()) {
                    entry.lastPauseHeldMillis = report.getHeldMillis();
                    entry.lastPauseEnd = report.getEnd();
                }
            }
            tellListeners(l -> l.pauseReported(id, report));
        }

        /** Any other message: the data plane is alive. */
        public void seen() {
            synchronized (lock) {
                Entry entry = current();
                if (entry != null) {
                    entry.lastSeen = clock.millis();
                }
            }
        }

        /** The stream ended; the data plane stays listed, not connected, with its last state. */
        public void disconnected() {
            boolean was;
            synchronized (lock) {
                Entry entry = current();
                was = entry != null;
                if (was) {
                    entry.stream = null;
                    entry.lastSeen = clock.millis();
                }
            }
            if (was) {
                log.info("Data plane {} disconnected", id);
                tellListeners(l -> l.disconnected(id));
            }
        }

        /** The entry if this stream is still its stream, else null. Under the lock. */
        private Entry current() {
            Entry entry = entries.get(id);
            return entry != null && entry.stream == stream ? entry : null;
        }
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s*\\R\\s*", " ").strip();
        if (line.isEmpty()) {
            return "rejected (the data plane gave no reason)";
        }
        return line.length() <= MAX_REJECTION_LENGTH ? line : line.substring(0, MAX_REJECTION_LENGTH - 3) + "...";
    }

    /** One data plane. Guarded by the registry's lock. */
    private static final class Entry {
        final String id;
        ControlStream stream;
        String address = "";
        String softwareVersion = "";
        long appliedVersion;
        long rejectedVersion;
        String rejection = "";
        int connectedClients;
        List<RouteStatus> routes = List.of();
        List<String> listeners = List.of();
        long connectedSince;
        long lastSeen;
        Phase phase = Phase.PHASE_UNSPECIFIED;
        long inflight;
        long held;
        long lastPauseHeldMillis;
        String lastPauseEnd = "";

        Entry(String id) {
            this.id = id;
        }

        void clearRejection() {
            rejectedVersion = 0;
            rejection = "";
        }

        DataPlaneInfo info() {
            return DataPlaneInfo.newBuilder()
                    .setId(id)
                    .setConnected(stream != null)
                    .setAddress(address)
                    .setSoftwareVersion(softwareVersion)
                    .setAppliedVersion(appliedVersion)
                    .setRejectedVersion(rejectedVersion)
                    .setRejection(rejection)
                    .setConnectedClients(connectedClients)
                    .addAllRoutes(routes)
                    .addAllListeners(listeners)
                    .setConnectedSinceMillis(connectedSince)
                    .setLastSeenMillis(lastSeen)
                    .setPhase(phase)
                    .setInflightCommands(inflight)
                    .setHeldCommands(held)
                    .setLastPauseHeldMillis(lastPauseHeldMillis)
                    .setLastPauseEnd(lastPauseEnd)
                    .build();
        }
    }
}
