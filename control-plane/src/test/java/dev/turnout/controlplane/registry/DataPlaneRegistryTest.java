package dev.turnout.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.Hello;
import dev.turnout.v1.SetLogLevel;
import io.grpc.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DataPlaneRegistryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);

    @Test
    void aHelloGetsTheDesiredSnapshotUnlessItAppliedItAlready() {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, snapshot(3));
        RecordingStream behind = new RecordingStream();
        RecordingStream current = new RecordingStream();
        registry.connect(hello("a", 2), "10.0.0.1:5000", behind);
        registry.connect(hello("b", 3), "10.0.0.2:5000", current);
        assertThat(behind.versions()).containsExactly(3L);
        assertThat(current.versions()).isEmpty();
    }

    @Test
    void nothingIsSentAtVersionZero() {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, null);
        RecordingStream stream = new RecordingStream();
        registry.connect(hello("a", 0), "x", stream);
        assertThat(stream.sent).isEmpty();
        assertThat(registry.publish(snapshot(1))).isEqualTo(1);
        assertThat(stream.versions()).containsExactly(1L);
    }

    @Test
    void anOlderSnapshotPublishedLateIsIgnored() {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, null);
        RecordingStream stream = new RecordingStream();
        registry.connect(hello("a", 0), "x", stream);
        registry.publish(snapshot(2));
        assertThat(registry.publish(snapshot(1))).isZero();
        assertThat(stream.versions()).containsExactly(2L);
    }

    @Test
    void whatIsSentIsTheSnapshotAsThePreparerMadeItAndAnOlderOneIsNotPrepared() {
        List<Long> prepared = new ArrayList<>();
        SnapshotPreparer preparer = desired -> {
            prepared.add(desired.getVersion());
            return desired.toBuilder().addUsers(dev.turnout.v1.User.newBuilder().setName("v" + desired.getVersion()))
                    .build();
        };
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, snapshot(3), preparer);
        RecordingStream stream = new RecordingStream();
        registry.connect(hello("a", 0), "x", stream);
        registry.publish(snapshot(4));
        registry.publish(snapshot(2));

        assertThat(prepared).containsExactly(3L, 4L);
        assertThat(stream.sent).map(m -> m.getConfig().getUsers(0).getName()).containsExactly("v3", "v4");
    }

    @Test
    void infoShowsWhatTheDataPlaneReported() {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, snapshot(5));
        DataPlaneRegistry.Registration r = registry.connect(hello("a", 4), "10.0.0.1:5000", new RecordingStream());
        r.ack(ConfigAck.newBuilder().setVersion(5).setApplied(false).setError("routes.x.upstream: cannot resolve\n  h").build());
        DataPlaneInfo info = registry.list().get(0);
        assertThat(info.getId()).isEqualTo("a");
        assertThat(info.getAddress()).isEqualTo("10.0.0.1:5000");
        assertThat(info.getSoftwareVersion()).isEqualTo("1.2.3");
        assertThat(info.getAppliedVersion()).isEqualTo(4);
        assertThat(info.getRejectedVersion()).isEqualTo(5);
        assertThat(info.getRejection()).isEqualTo("routes.x.upstream: cannot resolve h");
        assertThat(info.getConnectedSinceMillis()).isEqualTo(CLOCK.millis());
        assertThat(info.getLastSeenMillis()).isEqualTo(CLOCK.millis());

        r.ack(ConfigAck.newBuilder().setVersion(5).setApplied(false).build());
        assertThat(registry.list().get(0).getRejection()).isNotEmpty();
    }

    @Test
    void aReplacedStreamIsClosedAndWhatItReportsLaterIsIgnored() {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, null);
        RecordingStream old = new RecordingStream();
        RecordingStream fresh = new RecordingStream();
        DataPlaneRegistry.Registration first = registry.connect(hello("a", 0), "x", old);
        registry.connect(hello("a", 0), "y", fresh);
        assertThat(old.closedWith.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(fresh.closedWith).isNull();

        first.ack(ConfigAck.newBuilder().setVersion(9).setApplied(true).build());
        first.disconnected();
        DataPlaneInfo info = registry.list().get(0);
        assertThat(info.getConnected()).isTrue();
        assertThat(info.getAddress()).isEqualTo("y");
        assertThat(info.getAppliedVersion()).isZero();
        assertThat(registry.broadcast(logLevel())).isEqualTo(1);
        assertThat(fresh.sent).hasSize(1);
        assertThat(old.sent).isEmpty();
    }

    @Test
    void closeAllClosesEveryStreamAndKeepsTheEntries() {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, null);
        RecordingStream a = new RecordingStream();
        RecordingStream b = new RecordingStream();
        registry.connect(hello("a", 0), "x", a);
        registry.connect(hello("b", 0), "x", b);
        registry.closeAll(Status.UNAVAILABLE);
        assertThat(a.closedWith).isEqualTo(Status.UNAVAILABLE);
        assertThat(b.closedWith).isEqualTo(Status.UNAVAILABLE);
        assertThat(registry.list()).extracting(DataPlaneInfo::getConnected).containsExactly(false, false);
        assertThat(registry.broadcast(logLevel())).isZero();
    }

    /** However Hellos and publishes interleave, every data plane's last snapshot is the newest. */
    @Test
    void connectsRacingWithPublishesAlwaysEndOnTheNewestSnapshot() throws Exception {
        DataPlaneRegistry registry = new DataPlaneRegistry(CLOCK, snapshot(1));
        int planes = 50;
        int versions = 200;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<RecordingStream> streams = new ArrayList<>();
        List<Future<?>> done = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int i = 0; i < planes; i++) {
                RecordingStream stream = new RecordingStream();
                streams.add(stream);
                String id = "dp-" + i;
                done.add(pool.submit(() -> {
                    go.await();
                    registry.connect(hello(id, 0), "x", stream);
                    return null;
                }));
            }
            for (int t = 0; t < 4; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int v = 2 + first; v <= versions; v += 4) {
                        registry.publish(snapshot(v));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (RecordingStream stream : streams) {
            List<Long> seen = stream.versions();
            assertThat(seen).isNotEmpty().isSorted();
            assertThat(seen.get(seen.size() - 1)).isEqualTo(versions);
        }
    }

    private static Hello hello(String id, long applied) {
        return Hello.newBuilder().setId(id).setSoftwareVersion("1.2.3").setAppliedVersion(applied).build();
    }

    private static ConfigSnapshot snapshot(long version) {
        return ConfigSnapshot.newBuilder().setVersion(version).build();
    }

    private static ControlMessage logLevel() {
        return ControlMessage.newBuilder().setSetLogLevel(SetLogLevel.newBuilder().setLevel("INFO")).build();
    }

    /** Records what the registry sends; sends are serialised by the registry's lock, as on a real stream. */
    private static final class RecordingStream implements ControlStream {
        final List<ControlMessage> sent = new ArrayList<>();
        Status closedWith;

        @Override
        public synchronized boolean send(ControlMessage message) {
            if (closedWith != null) {
                return false;
            }
            sent.add(message);
            return true;
        }

        @Override
        public synchronized void close(Status status) {
            closedWith = status;
        }

        synchronized List<Long> versions() {
            return sent.stream().filter(ControlMessage::hasConfig).map(m -> m.getConfig().getVersion()).toList();
        }
    }
}
