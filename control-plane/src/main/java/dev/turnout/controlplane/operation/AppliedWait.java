package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.registry.FleetListener;
import dev.turnout.v1.ConfigAck;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Waits until every connected data plane has applied one version of the desired state, or one rejects it.
 * Listen before publishing ({@link #listen}), then {@link #await} after; close it in any case.
 */
final class AppliedWait implements FleetListener, AutoCloseable {

    private final DataPlaneRegistry registry;
    private final long version;
    private final Set<String> applied = new LinkedHashSet<>();
    private final Map<String, String> rejected = new TreeMap<>();
    private final Set<String> gone = new LinkedHashSet<>();

    private AppliedWait(DataPlaneRegistry registry, long version) {
        this.registry = registry;
        this.version = version;
    }

    static AppliedWait listen(DataPlaneRegistry registry, long version) {
        AppliedWait wait = new AppliedWait(registry, version);
        registry.addListener(wait);
        return wait;
    }

    /**
     * Blocks until the data planes connected now have all applied the version, one rejected it, or
     * {@code timeout} passed.
     *
     * @return null once all applied; else what went wrong ("data plane dp-2 rejected version 7: ...")
     */
    synchronized String await(Duration timeout) throws InterruptedException {
        List<String> expected = registry.connectedIds();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!rejected.isEmpty()) {
                Map.Entry<String, String> first = rejected.entrySet().iterator().next();
                return "data plane " + first.getKey() + " rejected version " + version + ": " + first.getValue();
            }
            List<String> missing = expected.stream().filter(id -> !applied.contains(id) && !gone.contains(id)).toList();
            if (missing.isEmpty()) {
                return null;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return "data plane(s) " + String.join(", ", missing) + " had not applied version " + version
                        + " within " + timeout.toMillis() + " ms";
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized void configAcked(String id, ConfigAck ack) {
        if (ack.getVersion() == version) {
            if (ack.getApplied()) {
                applied.add(id);
            } else {
                rejected.put(id, ack.getError().isBlank() ? "no reason given" : ack.getError().strip());
            }
            notifyAll();
        } else if (ack.getApplied() && ack.getVersion() > version) {
            applied.add(id); // a newer one: it moved past ours
            notifyAll();
        }
    }

    @Override
    public synchronized void disconnected(String id) {
        gone.add(id);
        notifyAll();
    }

    @Override
    public void close() {
        registry.removeListener(this);
    }
}
