package dev.turnout.testing;

import dev.turnout.testing.RedisServerFinder.Binary;
import dev.turnout.testing.RedisServerFinder.Container;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A real redis-server on a free loopback port, for one test.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.builder().password("s3cret").start()) {
 *     connect to 127.0.0.1:redis.port() ...
 *     redis.restart();   // same port: an upstream restarted mid-run
 *     redis.kill();      // SIGKILL: an upstream that vanished
 * }
 * }</pre>
 *
 * <p>Redis 7.0+ comes from {@code REDIS_SERVER}, {@code redis-server} on the PATH, or the {@code redis:7}
 * image through Testcontainers, in that order (see {@link RedisServerFinder}). Each server gets its
 * own temporary directory holding its config file and its log ({@link #logFile()}), and runs with
 * {@code --bind 127.0.0.1 --save '' --appendonly no}; it never uses port 6379. {@link #start()} and
 * {@link #restart()} return once the server answers PING, and fail with the end of the log otherwise.
 * A shutdown hook kills the servers still running when the JVM exits and deletes the directories of those
 * not closed.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int REDIS_STANDARD_PORT = 6379;
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_LINES_IN_MESSAGES = 60;
    private static final String READY = "ready";
    private static final String EXITED = "exited";

    /** Every server not closed yet: the shutdown hook kills it and deletes its directory. */
    private static final Set<RedisServerProcess> open = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RedisServerProcess::killAll, "redis-server-reaper"));
    }

    private final RedisServerRunner runner;
    private final String password;
    private final List<String> options;
    private final Duration startupTimeout;
    private final Path directory;
    private final Path configFile;
    private final Path logFile;
    private final boolean portChosenHere;
    private volatile int port; // volatile: read without the lock, which a restart holds for a while
    private int starts;
    private boolean closed;

    private RedisServerProcess(Builder builder, RedisServerRunner runner, Path directory) throws IOException {
        this.runner = runner;
        this.password = builder.password;
        this.options = List.copyOf(builder.args);
        this.startupTimeout = builder.startupTimeout;
        this.directory = directory;
        this.configFile = directory.resolve("redis.conf");
        this.logFile = directory.resolve("redis.log");
        this.portChosenHere = builder.port == 0;
        this.port = portChosenHere ? FreePorts.next() : builder.port;
        Files.writeString(configFile, configText(builder), StandardCharsets.UTF_8);
        open.add(this);
    }

    /** A builder for a server with a password, ACL users or extra arguments. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server with no password and default settings. */
    public static RedisServerProcess start() {
        return builder().start();
    }

    /** The loopback address the server listens on: "127.0.0.1". */
    public String host() {
        return HOST;
    }

    /** The port the server listens on; the same after {@link #restart()}. */
    public int port() {
        return port;
    }

    /** {@link #host()} and {@link #port()} together. */
    public InetSocketAddress address() {
        return new InetSocketAddress(HOST, port());
    }

    /** The default user's password ({@code requirepass}), if one was set. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The server's own temporary directory: config file, log, working directory. */
    public Path directory() {
        return directory;
    }

    /** The server's log (stdout and stderr of every run, appended). */
    public Path logFile() {
        return logFile;
    }

    /** Whether the server process is running. */
    public boolean isRunning() {
        return runner.isAlive();
    }

    /** Shuts the server down (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. */
    public synchronized void stop() {
        runner.stop(STOP_GRACE);
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until it is gone. */
    public synchronized void kill() {
        runner.kill();
    }

    /**
     * Starts the server again on the same port, with the same settings, after {@link #stop()} or
     * {@link #kill()} (stopping it first if it is running). Returns once it answers PING. Its data is
     * gone: nothing is saved.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("restart() after close(): " + this);
        }
        stop();
        startAndAwaitReady(false);
    }

    /** Stops the server and deletes its directory, log included. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        deleteDirectory();
        open.remove(this);
    }

    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }

    /** The last lines of the log, for a failure message of one's own. */
    public String logTail() {
        try {
            List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile, StandardCharsets.UTF_8) : List.of();
            int from = Math.max(0, lines.size() - LOG_LINES_IN_MESSAGES);
            return String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "RedisServerProcess[" + HOST + ":" + port() + ", " + runner.describe() + ", " + runner.exitStatus() + "]";
    }

    /** Starts the server; on a first start with a port chosen here, moves to another port if this one is taken. */
    private void startAndAwaitReady(boolean firstStart) {
        for (int attempt = 1; ; attempt++) {
            if (!firstStart && !FreePorts.isFree(port)) {
                throw failure("cannot start again: port " + port + " is taken by another process", null);
            }
            long logOffset = logSize();
            appendToLog("--- RedisServerProcess: start " + (++starts) + " on port " + port + " with "
                    + runner.describe() + "\n");
            try {
                runner.start(directory, configFile, commandLineOptions(), logFile);
            } catch (IOException e) {
                throw failure("could not be started: " + e.getMessage(), e);
            }
            String status;
            try {
                status = Await.until(startupTimeout, "redis-server on port " + port + " to answer PING",
                        this::probe, s -> s.startsWith(READY) || s.startsWith(EXITED));
            } catch (AssertionError timedOut) {
                kill();
                throw failure("did not answer PING in time: " + timedOut.getMessage(), timedOut);
            }
            if (status.startsWith(READY) && runner.isAlive()) { // alive: not another server that holds the port
                return;
            }
            status = status.startsWith(READY) ? EXITED + " (" + runner.exitStatus() + ")" : status;
            boolean portTaken = logSince(logOffset).contains("Address already in use");
            if (portTaken && firstStart && portChosenHere && attempt < PORT_ATTEMPTS) {
                port = FreePorts.next(); // another process took the port first: only for a first start
                continue;
            }
            throw failure(portTaken ? "could not listen: port " + port + " is taken (" + status + ")" : status, null);
        }
    }

    private List<String> commandLineOptions() {
        List<String> all = new ArrayList<>(List.of(
                "--port", Integer.toString(port),
                "--bind", HOST,
                "--save", "",
                "--appendonly", "no"));
        all.addAll(options);
        return all;
    }

    /** One attempt to talk to the server: READY, EXITED, or why not yet. */
    private String probe() {
        if (!runner.isAlive()) {
            return EXITED + " (" + runner.exitStatus() + ")";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (password != null) {
                out.write(command("AUTH", password));
            }
            out.write(command("PING"));
            out.flush();
            String reply = readLine(in);
            if (password != null) {
                String authReply = reply;
                reply = readLine(in);
                if (!authReply.startsWith("+OK")) {
                    reply = authReply; // a server that answers at all is up; what AUTH said is the test's business
                }
            }
            return reply.startsWith("-LOADING") ? "loading its data set" : READY + ": " + reply;
        } catch (IOException e) {
            return "not answering yet (" + e + ")";
        }
    }

    private IllegalStateException failure(String what, Throwable cause) {
        return new IllegalStateException("redis-server (" + runner.describe() + ") on " + HOST + ":" + port + " " + what
                + "\nLast lines of its log, " + logFile + ":\n" + logTail(), cause);
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(logFile, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void killAll() {
        for (RedisServerProcess server : open) { // without its lock: a test thread may hold it
            try {
                server.runner.kill();
                server.deleteDirectory();
            } catch (RuntimeException | LinkageError e) {
                // Best effort while the JVM exits.
            }
        }
    }

    private static String configText(Builder builder) {
        StringBuilder config = new StringBuilder("# Written by ").append(RedisServerProcess.class.getName()).append('\n');
        if (builder.password != null) {
            config.append("requirepass ").append(quote(builder.password)).append('\n');
        }
        for (String rule : builder.aclUsers) {
            config.append("user ").append(rule).append('\n');
        }
        return config.toString();
    }

    /** A double-quoted string as redis.conf reads it. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }

    private static byte[] command(String... args) {
        StringBuilder resp = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            resp.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        return resp.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                throw new EOFException("connection closed after \"" + line.toString(StandardCharsets.UTF_8) + "\"");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static RedisServerRunner runnerFor(RedisServerFinder.Source source) {
        if (source instanceof Binary binary) {
            return new LocalRedisRunner(binary.path(), binary.version());
        }
        return new ContainerRedisRunner(((Container) source).image());
    }

    /** Settings for a {@link RedisServerProcess}; {@link #start()} starts it. */
    public static final class Builder {
        private String password;
        private final List<String> aclUsers = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private volatile int port; // volatile: read without the lock, which a restart holds for a while
        private Duration startupTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The default user's password ({@code requirepass}). */
        public Builder password(String password) {
            this.password = requireOneLine(password, "password");
            return this;
        }

        /**
         * An ACL user, as the rest of a redis.conf {@code user} line: {@code "alice on >secret ~app:* +@all"}.
         * May be given more than once.
         */
        public Builder aclUser(String rule) {
            String line = requireOneLine(rule, "rule").strip();
            if (line.isEmpty()) {
                throw new IllegalArgumentException("rule: \"\" (expected: a user name and its ACL rules)");
            }
            aclUsers.add(line.startsWith("user ") ? line.substring(5).strip() : line);
            return this;
        }

        /** Arguments added to the command line, after the defaults: {@code args("--replicaof", "127.0.0.1", "20001")}. */
        public Builder args(String... args) {
            for (String arg : args) {
                this.args.add(Objects.requireNonNull(arg, "arg"));
            }
            return this;
        }

        /** A fixed port instead of a free one from {@link FreePorts}; never 6379. */
        public Builder port(int port) {
            if (port < 1 || port > 65535 || port == REDIS_STANDARD_PORT) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1..65535 and not 6379)");
            }
            this.port = port;
            return this;
        }

        /** How long {@link RedisServerProcess#start()} waits for PING to answer; 30 s by default. */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout: " + startupTimeout + " (expected: > 0)");
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /**
         * Starts the server and returns once it answers PING.
         *
         * @throws IllegalStateException if no Redis 7.0+ is available (the message says how to install
         *     one), or the server did not come up (the message holds the end of its log)
         */
        public RedisServerProcess start() {
            RedisServerRunner runner = runnerFor(RedisServerFinder.onThisMachine());
            RedisServerProcess server;
            try {
                server = new RedisServerProcess(this, runner, Files.createTempDirectory("turnout-redis-"));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare a directory for redis-server", e);
            }
            try {
                synchronized (server) {
                    server.startAndAwaitReady(true);
                }
            } catch (RuntimeException | Error e) {
                server.deleteDirectory(); // the failure message holds the end of the log
                open.remove(server);
                throw e;
            }
            return server;
        }

        private static String requireOneLine(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(name + ": contains a line break (expected: one line)");
            }
            return value;
        }
    }
}
