package dev.turnout.dataplane.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.pause.PauseController;
import dev.turnout.dataplane.pause.PauseProgress;
import dev.turnout.dataplane.server.ProxyServer;
import dev.turnout.dataplane.session.Sessions;
import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneServiceGrpc;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.Hello;
import dev.turnout.v1.Route;
import dev.turnout.v1.RouteStatus;
import dev.turnout.v1.SetLogLevel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A managed data plane's link to the control plane: one {@code DataPlaneService.Connect} stream, kept open.
 *
 * <p>Up the stream go a {@link Hello} (first), a {@link DataPlaneStatus} right after it, after each applied
 * snapshot and every status interval (5 s), and a {@link ConfigAck} for every snapshot. Down it come
 * {@link ConfigSnapshot}s, applied atomically through the {@link ConfigHolder} or not at all (a snapshot
 * whose listener cannot be bound is rejected and the previous configuration restored), and
 * {@link SetLogLevel}. When the stream fails the data plane keeps serving its last good configuration and
 * reconnects with exponential backoff and full jitter (200 ms doubling to 10 s), logging once per outage.
 *
 * <p>Everything the agent does runs on one scheduler thread, never on a gRPC or a proxy event-loop thread:
 * gRPC callbacks hand their message over and return. Applying a snapshot binds listeners (blocking), which is
 * why it belongs on that thread. The scheduler is injectable: the agent only calls
 * {@link ScheduledExecutorService#execute} and {@link ScheduledExecutorService#schedule(Runnable, long, TimeUnit)},
 * so a test can hold delayed tasks back and release them when it chooses.
 */
public final class ControlPlaneAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneAgent.class);

    /** The route {@code --listen} serves. */
    public static final String DEFAULT_ROUTE = "default";
    /** What an empty logger name in {@link SetLogLevel} means. */
    public static final String TURNOUT_LOGGER = "dev.turnout";
    /** A stream that lasts this long, or brings a message, counts as connected (backoff resets). */
    static final Duration ESTABLISHED_AFTER = Duration.ofSeconds(2);
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String MASK = "******";

    private final String id;
    private final String softwareVersion;
    private final ConfigHolder config;
    private final ManagedChannel channel;
    private final DataPlaneServiceGrpc.DataPlaneServiceStub stub;
    private final List<HostAndPort> extraListeners;
    private final IntSupplier connectedClients;
    private final Supplier<List<HostAndPort>> boundListeners;
    /** Null when the agent runs without a server (tests of the stream alone). */
    private final PauseController pauses;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ReconnectBackoff backoff;
    private final Duration statusInterval;
    private final AtomicBoolean started = new AtomicBoolean();

    // Confined to the scheduler's thread.
    private Stream current;
    private int failures;
    private boolean outage;
    private boolean warnedNoDefaultRoute;
    private boolean closed;
    private ScheduledFuture<?> statusTask;

    // Written on the scheduler's thread, read anywhere.
    private volatile long appliedVersion;
    private volatile boolean connected;

    private ControlPlaneAgent(Builder b) {
        this.id = b.id;
        this.softwareVersion = b.softwareVersion;
        this.config = b.config;
        this.channel = b.channel;
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + b.token.reveal());
        this.stub = DataPlaneServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        this.extraListeners = List.copyOf(b.extraListeners);
        this.connectedClients = b.connectedClients;
        this.pauses = b.sessions == null ? null : new PauseController(b.sessions, this::reportPause);
        this.boundListeners = b.boundListeners != null ? b.boundListeners
                : () -> config.get().listeners().stream().map(ListenerConfig::listen).toList();
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turnout-agent");
            t.setDaemon(true);
            return t;
        });
        this.backoff = new ReconnectBackoff(b.backoffInitial, b.backoffMax, b.random);
        this.statusInterval = b.statusInterval;
        this.appliedVersion = config.get().version();
    }

    /**
     * @param id      the data plane's name in the fleet
     * @param config  what the proxy serves; snapshots are published here
     * @param channel to the control plane; the agent owns it and shuts it down on {@link #close()}
     * @param token   sent as {@code authorization: Bearer <token>} on the stream
     */
    public static Builder builder(String id, ConfigHolder config, ManagedChannel channel, Secret token) {
        return new Builder(id, config, channel, token);
    }

    /** A plaintext channel to the control plane (TLS comes later). */
    public static ManagedChannel plaintextChannel(HostAndPort controlPlane) {
        return NettyChannelBuilder.forAddress(controlPlane.host(), controlPlane.port()).usePlaintext().build();
    }

    /** Opens the stream (asynchronously) and starts the periodic status reports. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        scheduler.execute(() -> {
            connect();
            statusTask = scheduler.schedule(this::statusTick, statusInterval.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** The version of the snapshot served now; 0 before the first. */
    public long appliedVersion() {
        return appliedVersion;
    }

    /** Whether the stream is open and has lasted (or brought a message); false during an outage. */
    public boolean connected() {
        return connected;
    }

    /** Half-closes the stream, shuts the channel down, and stops the scheduler if the agent made it. */
    @Override
    public void close() {
        if (started.get()) {
            try {
                Future<?> done = scheduler.submit(this::closeStream);
                done.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
                log.debug("Closing the control-plane stream: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channel.shutdown();
        try {
            if (!channel.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        if (pauses != null) {
            pauses.close();
        }
    }

    private void closeStream() {
        closed = true;
        connected = false;
        if (statusTask != null) {
            statusTask.cancel(false);
        }
        Stream stream = current;
        current = null;
        if (stream != null) {
            stream.cancelTimer();
            try {
                stream.requests.onCompleted();
            } catch (RuntimeException e) {
                log.debug("Half-closing the control-plane stream: {}", e.toString());
            }
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        Stream stream = new Stream();
        current = stream;
        stream.requests = stub.connect(stream);
        send(stream, DataPlaneMessage.newBuilder().setHello(Hello.newBuilder()
                .setId(id)
                .setSoftwareVersion(softwareVersion)
                .setAppliedVersion(appliedVersion)
                .addAllExtraListeners(extraListeners.stream().map(HostAndPort::toString).toList())).build());
        sendStatus(stream);
        stream.timer = scheduler.schedule(() -> established(stream), ESTABLISHED_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void established(Stream stream) {
        if (stream != current || stream.established) {
            return;
        }
        stream.established = true;
        stream.cancelTimer();
        connected = true;
        if (outage) {
            log.info("Reconnected to the control plane {} after {} failed attempt{}; serving config version {}",
                    channel.authority(), failures, failures == 1 ? "" : "s", appliedVersion);
        } else {
            log.info("Connected to the control plane {} as '{}'", channel.authority(), id);
        }
        outage = false;
        failures = 0;
    }

    private void ended(Stream stream, Status status) {
        if (stream != current) {
            return;
        }
        current = null;
        connected = false;
        stream.cancelTimer();
        if (closed) {
            return;
        }
        failures++;
        long delay = backoff.delayMillis(failures);
        if (!outage) {
            outage = true;
            log.warn("{} the control plane {}: {}; serving config version {} meanwhile, reconnecting with backoff",
                    stream.established ? "Lost" : "Cannot reach", channel.authority(), describe(status), appliedVersion);
        } else {
            log.debug("Control plane {} still unreachable (attempt {}): {}; next attempt in {} ms",
                    channel.authority(), failures, describe(status), delay);
        }
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private static String describe(Status status) {
        String s = status.getCode() + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
        if (status.getCode() == Status.Code.UNAUTHENTICATED) {
            s += "; check --token-file";
        }
        return s;
    }

    private void received(Stream stream, ControlMessage message) {
        if (stream != current) {
            return;
        }
        established(stream);
        if (pauses != null) {
            pauses.renewLease(); // a pause is a lease: hearing from the control plane at all renews it
        }
        switch (message.getMessageCase()) {
            case CONFIG -> applySnapshot(stream, message.getConfig());
            case SET_LOG_LEVEL -> setLogLevel(message.getSetLogLevel());
            case PAUSE -> {
                if (pauses != null) {
                    PauseMessages.pause(pauses, message.getPause());
                }
            }
            case RESUME -> {
                if (pauses != null) {
                    pauses.resume(message.getResume().getOperationId(), "resumed by the control plane");
                }
            }
            default -> log.debug("Ignored a control message this data plane does not know: {}", message.getMessageCase());
        }
    }

    private void applySnapshot(Stream stream, ConfigSnapshot snapshot) {
        long version = snapshot.getVersion();
        if (version < 1) {
            reject(stream, snapshot, "version: " + version + " (expected: >= 1)");
            return;
        }
        if (version == appliedVersion) {
            log.debug("Config version {} already applied", version);
            ack(stream, version, true, "");
            return;
        }
        if (version < appliedVersion) {
            // The control plane is the source of truth and sends its newest snapshot last on a stream; an older
            // version means its state was reset or restored from a backup. Serve what it says, loudly.
            log.warn("The control plane sent config version {}, older than the version {} served now "
                    + "(its data directory was reset or restored?); applying it", version, appliedVersion);
        }
        ProxyConfig next;
        try {
            next = withExtraListeners(ConfigSnapshots.fromProto(snapshot));
        } catch (ConfigException e) {
            reject(stream, snapshot, e.getMessage());
            return;
        }
        ProxyConfig previous = config.get();
        try {
            config.set(next);
        } catch (Exception e) {
            restore(previous);
            reject(stream, snapshot, "not applied: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return;
        }
        appliedVersion = version;
        log.info("Applied config version {} ({} listener{}, {} route{})", version, next.listeners().size(),
                next.listeners().size() == 1 ? "" : "s", next.routes().size(), next.routes().size() == 1 ? "" : "s");
        ack(stream, version, true, "");
        sendStatus(stream);
    }

    private void restore(ProxyConfig previous) {
        try {
            config.set(previous);
        } catch (Exception e) {
            log.error("Could not restore config version {} after a failed apply: {}", previous.version(), e.getMessage());
        }
    }

    /** {@code --listen} on the route "default", when the snapshot has one and does not list that address itself. */
    private ProxyConfig withExtraListeners(ProxyConfig snapshot) {
        if (extraListeners.isEmpty()) {
            return snapshot;
        }
        if (!snapshot.routes().containsKey(DEFAULT_ROUTE)) {
            if (!warnedNoDefaultRoute) {
                warnedNoDefaultRoute = true;
                log.warn("Not serving --listen {}: config version {} has no route named '{}'", extraListeners,
                        snapshot.version(), DEFAULT_ROUTE);
            }
            return snapshot;
        }
        warnedNoDefaultRoute = false;
        List<ListenerConfig> listeners = new ArrayList<>(snapshot.listeners());
        for (HostAndPort listen : extraListeners) {
            if (listeners.stream().noneMatch(l -> l.listen().equals(listen))) {
                listeners.add(new ListenerConfig(listen, DEFAULT_ROUTE));
            }
        }
        return new ProxyConfig(snapshot.version(), listeners, snapshot.routes(), snapshot.limits(), snapshot.users());
    }

    private void reject(Stream stream, ConfigSnapshot snapshot, String error) {
        String safe = withoutSecrets(error, snapshot);
        log.warn("Rejected config version {}: {}", snapshot.getVersion(), safe);
        ack(stream, snapshot.getVersion(), false, safe);
    }

    /** Belt and braces: no message should hold a password, and none leaves with one. */
    private String withoutSecrets(String message, ConfigSnapshot snapshot) {
        String safe = message;
        for (Route route : snapshot.getRoutesMap().values()) {
            if (!route.getPassword().isEmpty()) {
                safe = safe.replace(route.getPassword(), MASK);
            }
        }
        for (RouteConfig route : config.get().routes().values()) {
            if (route.password() != null) {
                safe = safe.replace(route.password().reveal(), MASK);
            }
        }
        return safe;
    }

    private void ack(Stream stream, long version, boolean applied, String error) {
        send(stream, DataPlaneMessage.newBuilder()
                .setConfigAck(ConfigAck.newBuilder().setVersion(version).setApplied(applied).setError(error)).build());
    }

    private void setLogLevel(SetLogLevel request) {
        String name = request.getLogger().isBlank() ? TURNOUT_LOGGER : request.getLogger().trim();
        Level level = Level.toLevel(request.getLevel().trim().toUpperCase(Locale.ROOT), null);
        if (level == null) {
            log.warn("Ignored a log level change for {}: unknown level '{}' (expected TRACE, DEBUG, INFO, WARN or ERROR)",
                    name, request.getLevel());
            return;
        }
        ILoggerFactory loggers = LoggerFactory.getILoggerFactory();
        if (!(loggers instanceof LoggerContext context)) {
            log.warn("Ignored a log level change for {}: logging is not Logback ({})", name, loggers.getClass().getName());
            return;
        }
        context.getLogger(name).setLevel(level);
        log.info("Log level of {} set to {} by the control plane", name, level);
    }

    private void statusTick() {
        if (closed) {
            return;
        }
        if (current != null) {
            sendStatus(current);
        }
        statusTask = scheduler.schedule(this::statusTick, statusInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendStatus(Stream stream) {
        ProxyConfig served = config.get();
        DataPlaneStatus.Builder status = DataPlaneStatus.newBuilder()
                .setAppliedVersion(appliedVersion)
                .setConnectedClients(connectedClients.getAsInt());
        served.routes().values().stream().sorted(Comparator.comparing(RouteConfig::name)).forEach(route ->
                status.addRoutes(RouteStatus.newBuilder().setRoute(route.name()).setUpstream(route.upstream().toString())));
        for (HostAndPort listen : boundListeners.get()) {
            status.addListeners(listen.toString());
        }
        if (pauses != null) {
            PauseMessages.addTo(status, pauses.snapshot());
        }
        send(stream, DataPlaneMessage.newBuilder().setStatus(status).build());
    }

    /** From the pause controller's thread: the report goes up the current stream, from the agent's thread. */
    private void reportPause(PauseProgress progress) {
        onAgentThread(() -> {
            if (current != null) {
                send(current, PauseMessages.report(progress));
            }
        });
    }

    private void send(Stream stream, DataPlaneMessage message) {
        if (stream != current) {
            return;
        }
        try {
            stream.requests.onNext(message);
        } catch (RuntimeException e) {
            // The call is over; its onError/onCompleted is on its way and will reconnect.
            log.debug("Could not send {} to the control plane: {}", message.getMessageCase(), e.toString());
        }
    }

    /** Hands a gRPC callback over to the agent's thread. */
    private void onAgentThread(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Control-plane message dropped: the agent is closed");
        }
    }

    /** One attempt at the stream; callbacks from an attempt that is no longer current are ignored. */
    private final class Stream implements StreamObserver<ControlMessage> {
        StreamObserver<DataPlaneMessage> requests;
        boolean established;
        ScheduledFuture<?> timer;

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
        }

        @Override
        public void onNext(ControlMessage message) {
            onAgentThread(() -> received(this, message));
        }

        @Override
        public void onError(Throwable t) {
            onAgentThread(() -> ended(this, Status.fromThrowable(t)));
        }

        @Override
        public void onCompleted() {
            onAgentThread(() -> ended(this, Status.UNAVAILABLE.withDescription("the control plane closed the stream")));
        }
    }

    /** Settings for {@link ControlPlaneAgent}; only the arguments of {@link #builder} are required. */
    public static final class Builder {
        private final String id;
        private final ConfigHolder config;
        private final ManagedChannel channel;
        private final Secret token;
        private String softwareVersion = "development build";
        private List<HostAndPort> extraListeners = List.of();
        private IntSupplier connectedClients = () -> 0;
        private Sessions sessions;
        private Supplier<List<HostAndPort>> boundListeners;
        private ScheduledExecutorService scheduler;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Duration statusInterval = STATUS_INTERVAL;
        private Duration backoffInitial = ReconnectBackoff.INITIAL;
        private Duration backoffMax = ReconnectBackoff.MAX;

        private Builder(String id, ConfigHolder config, ManagedChannel channel, Secret token) {
            this.id = Objects.requireNonNull(id, "id");
            this.config = Objects.requireNonNull(config, "config");
            this.channel = Objects.requireNonNull(channel, "channel");
            this.token = Objects.requireNonNull(token, "token");
            if (id.isBlank()) {
                throw new IllegalArgumentException("id: empty (expected a name unique in the fleet)");
            }
            String t = token.reveal();
            if (t.isEmpty() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("token: expected printable ASCII without spaces");
            }
        }

        /** Reported in Hello. */
        public Builder softwareVersion(String softwareVersion) {
            this.softwareVersion = Objects.requireNonNull(softwareVersion, "softwareVersion");
            return this;
        }

        /** The data plane's own {@code --listen} addresses, served on the route "default" when a snapshot has it. */
        public Builder extraListeners(List<HostAndPort> extraListeners) {
            this.extraListeners = List.copyOf(extraListeners);
            return this;
        }

        /** Reports the server's connected clients and bound listeners. */
        public Builder server(ProxyServer server) {
            this.sessions = server.sessions();
            this.connectedClients = server::connectedClients;
            this.boundListeners = server::boundListeners;
            return this;
        }

        public Builder connectedClients(IntSupplier connectedClients) {
            this.connectedClients = Objects.requireNonNull(connectedClients, "connectedClients");
            return this;
        }

        /** Default: the listeners of the current configuration. */
        public Builder boundListeners(Supplier<List<HostAndPort>> boundListeners) {
            this.boundListeners = Objects.requireNonNull(boundListeners, "boundListeners");
            return this;
        }

        /**
         * Runs every agent task, one at a time (it must have one thread). An injected scheduler belongs to the
         * caller; by default the agent makes its own and stops it on close.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Uniform in [0, 1): the jitter of reconnect delays. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public Builder statusInterval(Duration statusInterval) {
            if (statusInterval.toMillis() < 1) {
                throw new IllegalArgumentException("statusInterval: " + statusInterval + " (expected: >= 1 ms)");
            }
            this.statusInterval = statusInterval;
            return this;
        }

        /** Reconnect delays: full jitter under a cap that starts at {@code initial} and doubles up to {@code max}. */
        public Builder backoff(Duration initial, Duration max) {
            new ReconnectBackoff(initial, max, () -> 0); // validates
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        public ControlPlaneAgent build() {
            return new ControlPlaneAgent(this);
        }
    }
}
