package dev.turnout.dataplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.testing.Await;
import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.Hello;
import dev.turnout.v1.Listener;
import dev.turnout.v1.Route;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.SetLogLevel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The agent against a fake control plane: hello, snapshots and acks, tokens, reconnects, log levels. */
class ControlPlaneAgentTest {

    private static final Duration TIMEOUT = FakeControlPlane.TIMEOUT;
    private static final ProxyConfig EMPTY = new ProxyConfig(0, List.of(), Map.of(), LimitsConfig.DEFAULTS);

    private final FakeControlPlane controlPlane = new FakeControlPlane();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ConfigHolder holder = new ConfigHolder(EMPTY);
    private ControlPlaneAgent agent;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        scheduler.shutdownNow();
        controlPlane.close();
    }

    private ControlPlaneAgent.Builder builder() {
        return ControlPlaneAgent.builder("dp-1", holder, controlPlane.channel(), Secret.of("s3cret-token"))
                .softwareVersion("1.2.3")
                .scheduler(scheduler)
                .random(() -> 0.999);
    }

    private ControlPlaneAgent start(ControlPlaneAgent.Builder builder) {
        agent = builder.build();
        agent.start();
        controlPlane.awaitHello(1);
        return agent;
    }

    /** Waits until a task is due in {@code delay} (it is scheduled on another thread), then moves the clock there. */
    private void fire(Duration delay) {
        Await.until(TIMEOUT, "a task due in " + delay, scheduler::pendingDelays, d -> d.contains(delay));
        scheduler.advance(delay);
    }

    private static ConfigSnapshot snapshot(long version, String route, String upstream, String... listen) {
        ConfigSnapshot.Builder s = ConfigSnapshot.newBuilder().setVersion(version)
                .putRoutes(route, Route.newBuilder().setUpstream(upstream).setPassword("hunter2").build());
        for (String l : listen) {
            s.addListeners(Listener.newBuilder().setListen(l).setRoute(route));
        }
        return s.build();
    }

    private static ConfigAck ack(long version, boolean applied, String error) {
        return ConfigAck.newBuilder().setVersion(version).setApplied(applied).setError(error).build();
    }

    @Test
    void helloFirstThenStatus() {
        start(builder());
        assertThat(controlPlane.received.get(0).getHello()).isEqualTo(Hello.newBuilder()
                .setId("dp-1").setSoftwareVersion("1.2.3").setAppliedVersion(0).build());
        DataPlaneMessage second = Await.until(TIMEOUT, "a second message", () -> controlPlane.received,
                r -> r.size() >= 2).get(1);
        assertThat(second.getStatus()).isEqualTo(DataPlaneStatus.getDefaultInstance());
    }

    @Test
    void tokenTravelsAsBearerMetadata() {
        start(builder());
        assertThat(controlPlane.authorizations).containsExactly("Bearer s3cret-token");
    }

    @Test
    void snapshotIsAppliedAcknowledgedAndReported() throws Exception {
        start(builder());
        ConfigSnapshot snapshot = snapshot(3, "orders", "10.0.0.7:6379", "127.0.0.1:7001");
        controlPlane.send(snapshot);

        assertThat(controlPlane.awaitAck(3)).isEqualTo(ack(3, true, ""));
        assertThat(holder.get()).isEqualTo(ConfigSnapshots.fromProto(snapshot));
        assertThat(holder.get().version()).isEqualTo(3);
        assertThat(agent.appliedVersion()).isEqualTo(3);
        List<DataPlaneStatus> statuses = Await.until(TIMEOUT, "a status after the ack", controlPlane::statuses,
                s -> !s.isEmpty() && s.get(s.size() - 1).getAppliedVersion() == 3);
        DataPlaneStatus status = statuses.get(statuses.size() - 1);
        assertThat(status.getRoutesList()).containsExactly(
                RouteStatus.newBuilder().setRoute("orders").setUpstream("10.0.0.7:6379").build());
        assertThat(status.getListenersList()).containsExactly("127.0.0.1:7001");
        assertThat(status.toString()).doesNotContain("hunter2");
    }

    @Test
    void invalidSnapshotIsRejectedWithItsPathAndTheOldConfigStays() throws Exception {
        start(builder());
        controlPlane.send(snapshot(1, "orders", "10.0.0.7:6379"));
        controlPlane.awaitAck(1);
        ProxyConfig good = holder.get();

        controlPlane.send(snapshot(2, "orders", "x"));
        assertThat(controlPlane.awaitAck(2)).isEqualTo(ack(2, false, "routes.orders.upstream: expected host:port, got 'x'"));
        controlPlane.send(snapshot(3, "orders", "10.0.0.7:6379", "127.0.0.1:7001").toBuilder()
                .addListeners(Listener.newBuilder().setListen("127.0.0.1:7002").setRoute("billing")).build());
        assertThat(controlPlane.awaitAck(3)).isEqualTo(ack(3, false,
                "listeners[1].route: route 'billing' is not defined (defined: orders)"));
        controlPlane.send(snapshot(0, "orders", "10.0.0.7:6379"));
        assertThat(controlPlane.awaitAck(0)).isEqualTo(ack(0, false, "version: 0 (expected: >= 1)"));

        assertThat(holder.get()).isSameAs(good);
        assertThat(agent.appliedVersion()).isEqualTo(1);
        assertThat(controlPlane.acks()).noneMatch(a -> a.getError().contains("hunter2"));
    }

    @Test
    void aSnapshotThatCannotBeServedIsRejectedAndThePreviousOneRestored() throws Exception {
        // Stands in for ProxyServer failing to bind a listener.
        holder.onChange(next -> {
            if (next.listeners().stream().anyMatch(l -> l.listen().port() == 7999)) {
                throw new IllegalStateException("cannot listen on 127.0.0.1:7999: Address already in use (hunter2)");
            }
        });
        start(builder());
        controlPlane.send(snapshot(1, "orders", "10.0.0.7:6379", "127.0.0.1:7001"));
        controlPlane.awaitAck(1);
        ProxyConfig good = holder.get();

        controlPlane.send(snapshot(2, "orders", "10.0.0.8:6379", "127.0.0.1:7001", "127.0.0.1:7999"));
        assertThat(controlPlane.awaitAck(2)).isEqualTo(ack(2, false,
                "not applied: cannot listen on 127.0.0.1:7999: Address already in use (******)"));
        assertThat(holder.get()).isEqualTo(good);
        assertThat(agent.appliedVersion()).isEqualTo(1);
    }

    @Test
    void aSnapshotAlreadyAppliedIsAcknowledgedWithoutApplyingItAgain() throws Exception {
        AtomicInteger applied = new AtomicInteger();
        holder.onChange(next -> applied.incrementAndGet());
        start(builder());
        controlPlane.send(snapshot(5, "orders", "10.0.0.7:6379"));
        controlPlane.awaitAck(5);
        controlPlane.send(snapshot(5, "orders", "10.0.0.9:6379"));
        Await.until(Duration.ofSeconds(5), "the second acknowledgement",
                () -> controlPlane.acks().size() == 2);
        assertThat(controlPlane.acks()).containsExactly(ack(5, true, ""), ack(5, true, ""));
        assertThat(applied).hasValue(1);
        assertThat(holder.get().route("orders").upstream()).isEqualTo(HostAndPort.parse("10.0.0.7:6379"));
    }

    @Test
    void anOlderVersionFromTheControlPlaneIsAppliedBecauseTheControlPlaneDecides() throws Exception {
        start(builder());
        controlPlane.send(snapshot(7, "orders", "10.0.0.7:6379"));
        controlPlane.awaitAck(7);
        // A control plane whose data directory was reset starts again from version 1.
        controlPlane.send(snapshot(1, "orders", "10.0.0.9:6379"));
        controlPlane.awaitAck(1);
        assertThat(holder.get().version()).isEqualTo(1);
        assertThat(holder.get().route("orders").upstream()).isEqualTo(HostAndPort.parse("10.0.0.9:6379"));
    }

    @Test
    void listenServesTheDefaultRouteWhenTheSnapshotHasOne() throws Exception {
        start(builder().extraListeners(List.of(HostAndPort.parse("127.0.0.1:7100"))));
        assertThat(controlPlane.hellos().get(0).getExtraListenersList()).containsExactly("127.0.0.1:7100");

        controlPlane.send(snapshot(1, "orders", "10.0.0.7:6379", "127.0.0.1:7001"));
        controlPlane.awaitAck(1);
        assertThat(holder.get().listeners()).containsExactly(new ListenerConfig(HostAndPort.parse("127.0.0.1:7001"), "orders"));

        controlPlane.send(snapshot(2, "default", "10.0.0.7:6379", "127.0.0.1:7001"));
        controlPlane.awaitAck(2);
        assertThat(holder.get().listeners()).containsExactly(
                new ListenerConfig(HostAndPort.parse("127.0.0.1:7001"), "default"),
                new ListenerConfig(HostAndPort.parse("127.0.0.1:7100"), "default"));

        // The snapshot lists the same address itself: it is not added twice.
        controlPlane.send(snapshot(3, "default", "10.0.0.7:6379", "127.0.0.1:7100"));
        controlPlane.awaitAck(3);
        assertThat(holder.get().listeners()).containsExactly(new ListenerConfig(HostAndPort.parse("127.0.0.1:7100"), "default"));
    }

    @Test
    void statusIsReportedEveryInterval() {
        start(builder().connectedClients(() -> 42));
        Await.until(TIMEOUT, "the status after hello", () -> controlPlane.statuses().size(), n -> n == 1);
        fire(Duration.ofSeconds(5));
        Await.until(TIMEOUT, "a periodic status", () -> controlPlane.statuses().size(), n -> n == 2);
        fire(Duration.ofSeconds(5));
        List<DataPlaneStatus> statuses = Await.until(TIMEOUT, "another", controlPlane::statuses, s -> s.size() == 3);
        assertThat(statuses).allMatch(s -> s.getConnectedClients() == 42);
    }

    @Test
    void aBrokenStreamIsReopenedWithBackoffAndHelloSaysWhatIsApplied() throws Exception {
        start(builder());
        controlPlane.send(snapshot(7, "orders", "10.0.0.7:6379"));
        controlPlane.awaitAck(7);
        Await.until(TIMEOUT, "a message to count the stream as connected", agent::connected);
        ProxyConfig served = holder.get();

        controlPlane.fail(Status.UNAVAILABLE.withDescription("control plane restarting"));
        // Full jitter under a cap of 200 ms; the random source says 0.999.
        Await.until(TIMEOUT, "a reconnect to be scheduled", scheduler::pendingDelays,
                d -> d.contains(Duration.ofMillis(199)));
        assertThat(agent.connected()).isFalse();
        assertThat(holder.get()).isSameAs(served);
        assertThat(controlPlane.streams()).isEqualTo(1);
        fire(Duration.ofMillis(199));
        Hello hello = controlPlane.awaitHello(2);
        assertThat(hello.getAppliedVersion()).isEqualTo(7);
        assertThat(controlPlane.authorizations).containsExactly("Bearer s3cret-token", "Bearer s3cret-token");

        // Failing again before the stream counted as connected: the cap doubles.
        controlPlane.fail(Status.UNAVAILABLE);
        fire(Duration.ofMillis(399));
        controlPlane.awaitHello(3);
        controlPlane.fail(Status.UNAVAILABLE);
        fire(Duration.ofMillis(799));
        controlPlane.awaitHello(4);

        // A message counts as connected: the next outage starts from 200 ms again.
        controlPlane.send(snapshot(7, "orders", "10.0.0.7:6379"));
        Await.until(TIMEOUT, "two acks of version 7", controlPlane::acks, a -> a.size() == 2);
        assertThat(agent.connected()).isTrue();
        controlPlane.fail(Status.UNAVAILABLE);
        Await.until(TIMEOUT, "a reconnect after a good stream", scheduler::pendingDelays, d -> d.contains(Duration.ofMillis(199)));
        assertThat(holder.get()).isSameAs(served);
    }

    @Test
    void anOutageIsLoggedOnceNotOncePerAttempt() {
        Logger logger = (Logger) LoggerFactory.getLogger(ControlPlaneAgent.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            start(builder());
            fire(ControlPlaneAgent.ESTABLISHED_AFTER);
            Await.until(TIMEOUT, "connected", agent::connected);
            ReconnectBackoff backoff = new ReconnectBackoff(ReconnectBackoff.INITIAL, ReconnectBackoff.MAX, () -> 0.999);
            for (int attempt = 1; attempt <= 4; attempt++) {
                controlPlane.fail(Status.UNAVAILABLE);
                fire(Duration.ofMillis(backoff.delayMillis(attempt)));
                controlPlane.awaitHello(attempt + 1);
            }
            fire(ControlPlaneAgent.ESTABLISHED_AFTER);
            Await.until(TIMEOUT, "reconnected", agent::connected);
            List<String> messages = logs.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(messages).filteredOn(m -> m.startsWith("Lost the control plane")).hasSize(1);
            assertThat(messages).filteredOn(m -> m.startsWith("Cannot reach")).isEmpty();
            assertThat(messages).filteredOn(m -> m.startsWith("Reconnected to the control plane")).singleElement()
                    .asString().contains("after 4 failed attempts");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void setLogLevelChangesLogbackLevels() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger turnout = context.getLogger("dev.turnout");
        Logger upstream = context.getLogger("dev.turnout.dataplane.upstream");
        Level turnoutBefore = turnout.getLevel();
        Level upstreamBefore = upstream.getLevel();
        try {
            start(builder());
            controlPlane.send(SetLogLevel.newBuilder().setLevel("DEBUG").build());
            Await.until(TIMEOUT, "dev.turnout at DEBUG", () -> turnout.getLevel() == Level.DEBUG);
            controlPlane.send(SetLogLevel.newBuilder().setLogger("dev.turnout.dataplane.upstream").setLevel("warn").build());
            Await.until(TIMEOUT, "the upstream package at WARN", () -> upstream.getLevel() == Level.WARN);
            controlPlane.send(SetLogLevel.newBuilder().setLogger("dev.turnout.dataplane.upstream").setLevel("LOUD").build());
            // Unknown levels are ignored: a later snapshot still gets through after it.
            controlPlane.send(snapshot(1, "orders", "10.0.0.7:6379"));
            controlPlane.awaitAck(1);
            assertThat(upstream.getLevel()).isEqualTo(Level.WARN);
        } finally {
            turnout.setLevel(turnoutBefore);
            upstream.setLevel(upstreamBefore);
        }
    }

    @Test
    void closeHalfClosesTheStream() throws Exception {
        start(builder());
        agent.close();
        Await.until(TIMEOUT, "the stream to be half-closed", () -> controlPlane.completedByDataPlane, c -> c.contains(0));
        agent = null;
    }
}
