package dev.turnout.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.grpc.Status;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's part in pauses: the pause in force, what data planes report about it, and who hears it. */
class RegistryPauseTest {

    private final DataPlaneRegistry registry = new DataPlaneRegistry(Clock.systemUTC(),
            ConfigSnapshot.newBuilder().setVersion(4).build());

    @Test
    void aDataPlaneThatSaysHelloWhileAPauseIsInForceGetsItAfterItsSnapshot() {
        Recording early = new Recording();
        registry.connect(hello("early", 4), "x", early);

        assertThat(registry.pause(pause("op-1"))).containsExactly("early");
        Recording late = new Recording();
        registry.connect(hello("late", 0), "y", late);
        Recording current = new Recording();
        registry.connect(hello("current", 4), "z", current);

        assertThat(early.kinds()).containsExactly("pause op-1");
        assertThat(late.kinds()).containsExactly("config 4", "pause op-1");
        assertThat(current.kinds()).containsExactly("pause op-1");

        assertThat(registry.resume(Resume.newBuilder().setOperationId("op-1").build()))
                .containsExactly("current", "early", "late");
        Recording after = new Recording();
        registry.connect(hello("after", 0), "w", after);
        assertThat(after.kinds()).containsExactly("config 4");
        assertThat(late.kinds()).containsExactly("config 4", "pause op-1", "resume op-1");
    }

    @Test
    void whatADataPlaneReportsAboutPausesShowsInItsInfo() {
        DataPlaneRegistry.Registration r = registry.connect(hello("dp", 4), "x", new Recording());
        assertThat(info().getPhase()).isEqualTo(Phase.PHASE_UNSPECIFIED);

        r.status(DataPlaneStatus.newBuilder().setAppliedVersion(4).setPhase(Phase.SERVING).setInflightCommands(12)
                .setLastPauseHeldMillis(80).setLastPauseEnd("resumed").build());
        assertThat(info().getPhase()).isEqualTo(Phase.SERVING);
        assertThat(info().getInflightCommands()).isEqualTo(12);
        assertThat(info().getLastPauseHeldMillis()).isEqualTo(80);
        assertThat(info().getLastPauseEnd()).isEqualTo("resumed");

        r.pauseReport(PauseReport.newBuilder().setOperationId("op").setPhase(Phase.DRAINING).setInflightCommands(3)
                .setHeldCommands(5).build());
        assertThat(info().getPhase()).isEqualTo(Phase.DRAINING);
        assertThat(info().getInflightCommands()).isEqualTo(3);
        assertThat(info().getHeldCommands()).isEqualTo(5);
        assertThat(info().getLastPauseEnd()).isEqualTo("resumed"); // the last one that ended

        r.pauseReport(PauseReport.newBuilder().setOperationId("op").setPhase(Phase.SERVING).setHeldMillis(30_000)
                .setEnd("lease expired after 30000 ms").build());
        assertThat(info().getPhase()).isEqualTo(Phase.SERVING);
        assertThat(info().getHeldCommands()).isZero();
        assertThat(info().getLastPauseHeldMillis()).isEqualTo(30_000);
        assertThat(info().getLastPauseEnd()).isEqualTo("lease expired after 30000 ms");
    }

    @Test
    void listenersHearTheCurrentStreamOfEachDataPlaneOnly() {
        List<String> heard = new ArrayList<>();
        FleetListener listener = new FleetListener() {
            @Override
            public void connected(String id) {
                heard.add("connected " + id);
            }

            @Override
            public void pauseReported(String id, PauseReport report) {
                heard.add("report " + id + " " + report.getPhase());
            }

            @Override
            public void configAcked(String id, ConfigAck ack) {
                heard.add("ack " + id + " " + ack.getVersion() + (ack.getApplied() ? "" : " rejected"));
            }

            @Override
            public void disconnected(String id) {
                heard.add("disconnected " + id);
            }
        };
        registry.addListener(listener);
        registry.addListener(new FleetListener() {
            @Override
            public void connected(String id) {
                throw new IllegalStateException("a listener that fails does not keep the others from hearing");
            }
        });

        DataPlaneRegistry.Registration old = registry.connect(hello("dp", 0), "x", new Recording());
        old.ack(ConfigAck.newBuilder().setVersion(4).setApplied(true).build());
        DataPlaneRegistry.Registration fresh = registry.connect(hello("dp", 4), "y", new Recording());
        old.pauseReport(PauseReport.newBuilder().setPhase(Phase.PAUSED).build());
        old.disconnected();
        fresh.pauseReport(PauseReport.newBuilder().setPhase(Phase.PAUSED).build());
        fresh.ack(ConfigAck.newBuilder().setVersion(5).setApplied(false).setError("no").build());
        fresh.disconnected();
        registry.removeListener(listener);
        registry.connect(hello("other", 4), "z", new Recording());

        assertThat(heard).containsExactly("connected dp", "ack dp 4", "connected dp", "report dp PAUSED",
                "ack dp 5 rejected", "disconnected dp");
    }

    @Test
    void sendReachesOneConnectedDataPlane() {
        Recording stream = new Recording();
        DataPlaneRegistry.Registration r = registry.connect(hello("dp", 4), "x", stream);
        assertThat(registry.connectedIds()).containsExactly("dp");

        assertThat(registry.send("dp", ControlMessage.newBuilder().setPause(pause("op")).build())).isTrue();
        assertThat(registry.send("nobody", ControlMessage.newBuilder().setPause(pause("op")).build())).isFalse();
        r.disconnected();
        assertThat(registry.send("dp", ControlMessage.newBuilder().setPause(pause("op")).build())).isFalse();
        assertThat(registry.connectedIds()).isEmpty();
        assertThat(stream.kinds()).containsExactly("pause op");
    }

    private DataPlaneInfo info() {
        return registry.list().get(0);
    }

    private static Hello hello(String id, long applied) {
        return Hello.newBuilder().setId(id).setAppliedVersion(applied).build();
    }

    private static Pause pause(String op) {
        return Pause.newBuilder().setOperationId(op).setLeaseMillis(30_000).build();
    }

    private static final class Recording implements ControlStream {
        private final List<ControlMessage> sent = new ArrayList<>();
        private boolean closed;

        @Override
        public synchronized boolean send(ControlMessage message) {
            if (closed) {
                return false;
            }
            sent.add(message);
            return true;
        }

        @Override
        public synchronized void close(Status status) {
            closed = true;
        }

        synchronized List<String> kinds() {
            return sent.stream().map(m -> switch (m.getMessageCase()) {
                case CONFIG -> "config " + m.getConfig().getVersion();
                case PAUSE -> "pause " + m.getPause().getOperationId();
                case RESUME -> "resume " + m.getResume().getOperationId();
                default -> m.getMessageCase().name();
            }).toList();
        }
    }
}
