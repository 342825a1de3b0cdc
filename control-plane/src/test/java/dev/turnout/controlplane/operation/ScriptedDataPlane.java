package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.registry.ControlStream;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.Hello;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A data plane's stream as the registry sees it, answering as the test scripts it: a Pause with DRAINING and
 * then PAUSED (or only DRAINING, naming busy connections, or nothing), a Resume with SERVING, a snapshot with an
 * acknowledgement (or a rejection). It answers on its own thread, after the registry's send returned, as a real
 * stream does.
 */
final class ScriptedDataPlane implements ControlStream, AutoCloseable {

    enum OnPause { DRAIN, STAY_BUSY, SILENT }

    private final String id;
    private final ExecutorService thread;
    private final List<ControlMessage> received = new ArrayList<>();
    private volatile OnPause onPause = OnPause.DRAIN;
    private volatile boolean answerResume = true;
    private volatile long rejectVersion;
    private volatile List<String> busy = List.of("client 7 127.0.0.1:50123: inside MULTI");
    private DataPlaneRegistry.Registration registration;
    private boolean closed;

    private ScriptedDataPlane(String id) {
        this.id = id;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scripted-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    /** Says Hello to the registry. */
    static ScriptedDataPlane connect(DataPlaneRegistry registry, String id, long appliedVersion) {
        ScriptedDataPlane dp = new ScriptedDataPlane(id);
        DataPlaneRegistry.Registration r = registry.connect(Hello.newBuilder().setId(id).setSoftwareVersion("test")
                .setAppliedVersion(appliedVersion).build(), "127.0.0.1:" + (40000 + Math.abs(id.hashCode() % 20000)), dp);
        synchronized (dp) {
            dp.registration = r;
        }
        return dp;
    }

    ScriptedDataPlane onPause(OnPause behaviour) {
        this.onPause = behaviour;
        return this;
    }

    ScriptedDataPlane busy(String... connections) {
        this.busy = List.of(connections);
        return this;
    }

    ScriptedDataPlane silentOnResume() {
        this.answerResume = false;
        return this;
    }

    ScriptedDataPlane rejecting(long version) {
        this.rejectVersion = version;
        return this;
    }

    String id() {
        return id;
    }

    @Override
    public synchronized boolean send(ControlMessage message) {
        if (closed) {
            return false;
        }
        received.add(message);
        thread.execute(() -> answer(message));
        return true;
    }

    @Override
    public synchronized void close(Status status) {
        closed = true;
    }

    /** Reports as the test says, on this data plane's thread (like any report, after what it received). */
    void report(PauseReport report) {
        thread.execute(() -> registration().pauseReport(report));
    }

    /** The stream ends, as when a data plane goes away. */
    void disconnect() {
        synchronized (this) {
            closed = true;
        }
        registration().disconnected();
    }

    synchronized List<ControlMessage> received() {
        return List.copyOf(received);
    }

    List<ControlMessage> received(Predicate<ControlMessage> which) {
        return received().stream().filter(which).toList();
    }

    long pauses() {
        return received(ControlMessage::hasPause).size();
    }

    long resumes() {
        return received(ControlMessage::hasResume).size();
    }

    /** What it received, as "config 2, pause, resume": for assertions on order. */
    List<String> kinds() {
        return received().stream().map(m -> switch (m.getMessageCase()) {
            case CONFIG -> "config " + m.getConfig().getVersion();
            case PAUSE -> "pause";
            case RESUME -> "resume";
            default -> m.getMessageCase().name().toLowerCase();
        }).toList();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private synchronized DataPlaneRegistry.Registration registration() {
        return registration;
    }

    private void answer(ControlMessage message) {
        DataPlaneRegistry.Registration r = registration();
        if (r == null) {
            thread.execute(() -> answer(message)); // Hello still returning: after it
            return;
        }
        switch (message.getMessageCase()) {
            case PAUSE -> {
                String op = message.getPause().getOperationId();
                switch (onPause) {
                    case DRAIN -> {
                        r.pauseReport(report(op, Phase.DRAINING).setInflightCommands(3).addAllBusy(busy).build());
                        r.pauseReport(report(op, Phase.PAUSED).setDrainedCommands(3).setHeldCommands(1)
                                .setElapsedMillis(12).build());
                    }
                    case STAY_BUSY -> r.pauseReport(report(op, Phase.DRAINING).setInflightCommands(busy.size())
                            .addAllBusy(busy).setElapsedMillis(5).build());
                    case SILENT -> {
                    }
                }
            }
            case RESUME -> {
                if (answerResume) {
                    r.pauseReport(report(message.getResume().getOperationId(), Phase.SERVING).setHeldMillis(42)
                            .setEnd("resumed").build());
                }
            }
            case CONFIG -> {
                long version = message.getConfig().getVersion();
                r.ack(ConfigAck.newBuilder().setVersion(version).setApplied(version != rejectVersion)
                        .setError(version == rejectVersion ? "routes.default.upstream: refused by the test" : "").build());
            }
            default -> {
            }
        }
    }

    private static PauseReport.Builder report(String operationId, Phase phase) {
        return PauseReport.newBuilder().setOperationId(operationId).setPhase(phase);
    }
}
