package dev.turnout.it.support;

import dev.turnout.dataplane.config.HostAndPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The load of PAUSE_SWITCH.md point 13, through one or more data planes: connections running pipelined INCR and
 * SET (each on its own counter), clients in BLPOP fed by a producer, SUBSCRIBE clients fed by a publisher, and
 * MULTI/EXEC clients. It counts what the proxy acknowledged, so that after a switch the counters on the new
 * primary can be compared with it, and every client connection that was closed under it.
 */
public final class SwitchLoad implements AutoCloseable {

    private static final int PIPELINE = 10;
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    private final List<HostAndPort> proxies;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, AtomicLong> ackedIncrs = new ConcurrentHashMap<>();
    private final AtomicLong acknowledgedWrites = new AtomicLong();
    private final AtomicLong errorReplies = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final Set<String> disconnectReasons = ConcurrentHashMap.newKeySet();
    private final AtomicLong pushed = new AtomicLong();
    private final Set<String> popped = ConcurrentHashMap.newKeySet();
    private final AtomicLong poppedTwice = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final CountDownLatch subscribed;
    private final int subscribers;

    private SwitchLoad(List<HostAndPort> proxies, int subscribers) {
        this.proxies = proxies;
        this.subscribers = subscribers;
        this.subscribed = new CountDownLatch(subscribers);
    }

    /**
     * Starts the load, spread over {@code proxies}: {@code writers} pipelined INCR/SET connections, and
     * {@code others} each of BLPOP, SUBSCRIBE and MULTI clients (plus one producer and one publisher).
     */
    public static SwitchLoad start(List<HostAndPort> proxies, int writers, int others) {
        SwitchLoad load = new SwitchLoad(proxies, others);
        for (int i = 0; i < writers; i++) {
            int n = i;
            load.spawn("writer-" + n, () -> load.writer(n));
        }
        for (int i = 0; i < others; i++) {
            int n = i;
            load.spawn("popper-" + n, () -> load.popper(n));
            load.spawn("subscriber-" + n, () -> load.subscriber(n));
            load.spawn("multi-" + n, () -> load.multi(n));
        }
        load.spawn("producer", load::producer);
        load.spawn("publisher", load::publisher);
        try {
            if (!load.subscribed.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("subscribers did not subscribe within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return load;
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (JedisConnectionException e) {
                if (running.get()) {
                    disconnects.incrementAndGet();
                    disconnectReasons.add(name + ": " + e.getMessage());
                }
            }
        }, "load-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private Jedis connect(int n) {
        HostAndPort p = proxies.get(n % proxies.size());
        Jedis jedis = new Jedis(p.host(), p.port(), (int) SOCKET_TIMEOUT.toMillis());
        synchronized (closeables) {
            closeables.add(jedis);
        }
        return jedis;
    }

    private void writer(int n) {
        String counter = "ctr:" + n;
        AtomicLong acked = ackedIncrs.computeIfAbsent(counter, k -> new AtomicLong());
        try (Jedis jedis = connect(n)) {
            while (running.get()) {
                long start = System.nanoTime();
                Pipeline p = jedis.pipelined();
                for (int i = 0; i < PIPELINE / 2; i++) {
                    p.incr(counter);
                    p.set("val:" + n + ":" + i, Long.toString(start));
                }
                List<Object> replies = p.syncAndReturnAll();
                noteLatency(start);
                for (int i = 0; i < replies.size(); i++) {
                    Object r = replies.get(i);
                    if (r instanceof JedisDataException) {
                        errorReplies.incrementAndGet();
                    } else {
                        acknowledgedWrites.incrementAndGet();
                        if (i % 2 == 0) {
                            acked.incrementAndGet();
                        }
                    }
                }
            }
        }
    }

    private void multi(int n) {
        String counter = "mctr:" + n;
        AtomicLong acked = ackedIncrs.computeIfAbsent(counter, k -> new AtomicLong());
        try (Jedis jedis = connect(n + 1)) {
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    Transaction t = jedis.multi();
                    t.incr(counter);
                    t.set("mval:" + n, Long.toString(start));
                    List<Object> result = t.exec();
                    noteLatency(start);
                    if (result != null && result.size() == 2 && !(result.get(0) instanceof Exception)) {
                        acked.incrementAndGet();
                        acknowledgedWrites.addAndGet(2);
                    } else {
                        errorReplies.incrementAndGet();
                    }
                } catch (JedisDataException e) {
                    errorReplies.incrementAndGet();
                }
            }
        }
    }

    private void popper(int n) {
        try (Jedis jedis = connect(n)) {
            while (running.get()) {
                try {
                    List<String> item = jedis.blpop(1, "queue");
                    if (item != null && !popped.add(item.get(1))) {
                        poppedTwice.incrementAndGet();
                    }
                } catch (JedisDataException e) {
                    errorReplies.incrementAndGet();
                }
            }
        }
    }

    private void producer() {
        try (Jedis jedis = connect(0)) {
            long i = 0;
            while (running.get()) {
                try {
                    jedis.rpush("queue", "item-" + i);
                    pushed.incrementAndGet();
                    i++;
                } catch (JedisDataException e) {
                    errorReplies.incrementAndGet();
                }
                if (i % 50 == 0) {
                    jedis.ping(); // a breather, so the queue is often empty and poppers block
                }
            }
        }
    }

    private void subscriber(int n) {
        Jedis jedis = connect(n);
        jedis.subscribe(new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                received.incrementAndGet();
            }
        }, "events");
    }

    private void publisher() {
        try (Jedis jedis = connect(1)) {
            while (running.get()) {
                try {
                    jedis.publish("events", "e");
                    published.incrementAndGet();
                } catch (JedisDataException e) {
                    errorReplies.incrementAndGet();
                }
            }
        }
    }

    private void noteLatency(long startNanos) {
        long took = System.nanoTime() - startNanos;
        maxLatencyNanos.accumulateAndGet(took, Math::max);
    }

    /** Stops every client (subscribers are unsubscribed and closed) and waits for the threads, bounded. */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            if (!t.getName().startsWith("load-subscriber")) {
                t.join(TimeUnit.SECONDS.toMillis(40));
            }
        }
        synchronized (closeables) {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing after the test
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Acknowledged INCRs per counter key (INCR of writers, and of MULTI clients inside EXEC). */
    public Map<String, Long> ackedIncrs() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        ackedIncrs.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public long acknowledgedWrites() {
        return acknowledgedWrites.get();
    }

    public long errorReplies() {
        return errorReplies.get();
    }

    public long disconnects() {
        return disconnects.get();
    }

    public Set<String> disconnectReasons() {
        return new HashSet<>(disconnectReasons);
    }

    public long pushed() {
        return pushed.get();
    }

    public long popped() {
        return popped.size();
    }

    public long poppedTwice() {
        return poppedTwice.get();
    }

    public long published() {
        return published.get();
    }

    public long received() {
        return received.get();
    }

    public long maxLatencyMillis() {
        return TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos.get());
    }

    public int subscribers() {
        return subscribers;
    }
}
