package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A configuration change that moves a route to another upstream: new commands go there, no client is
 * dropped, each client's replies stay in order, and the old upstream's connections close once drained.
 */
class ReloadIT {

    private static final int BATCH = 50;
    private static final int WINDOW = 2000;

    @Test
    void switchUpstreamKeepsClientsAndOrder() throws Exception {
        try (RedisServerProcess a = RedisServerProcess.start();
             RedisServerProcess b = RedisServerProcess.builder().password("bpw").start();
             Jedis directA = new Jedis(a.host(), a.port());
             Jedis directB = new Jedis(b.host(), b.port());
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(a).start();
             Jedis bystander = new Jedis(proxy.host(), proxy.port());
             RawRedisClient pipeliner = RawRedisClient.connect(proxy.host(), proxy.port())) {
            directB.auth("bpw");
            directA.set("who", "A");
            directB.set("who", "B");
            assertThat(bystander.get("who")).isEqualTo("A");

            // One client pipelines INCRs, BATCH per write, up to WINDOW unanswered, while another thread reads.
            AtomicBoolean stop = new AtomicBoolean();
            Semaphore window = new Semaphore(WINDOW);
            AtomicLong sent = new AtomicLong();
            List<Object> replies = java.util.Collections.synchronizedList(new ArrayList<>());
            byte[] batch = batchOfIncr();
            OutputStream out = pipeliner.output();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    while (!stop.get()) {
                        window.acquireUninterruptibly(BATCH);
                        out.write(batch);
                        sent.addAndGet(BATCH);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                // Reads only replies already owed (sent counts written commands), so it never blocks at the end;
                // the writer is checked first, so that once it is done, sent is final.
                while (true) {
                    boolean writerDone = writer.isDone();
                    if (replies.size() < sent.get()) {
                        replies.add(pipeliner.read());
                        window.release();
                    } else if (writerDone) {
                        break;
                    } else {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000); // the writer is between batches
                    }
                }
            });

            Await.until(Duration.ofSeconds(10), "1000 INCRs on A", () -> replies.size() >= 1000);
            proxy.switchUpstream(HostAndPort.parse(b.host() + ":" + b.port()), "bpw");
            Await.until(Duration.ofSeconds(10), "the bystander's GET to reach B", () -> bystander.get("who"), "B"::equals);
            int atSwitch = replies.size();
            Await.until(Duration.ofSeconds(10), "1000 more INCRs after the switch", () -> replies.size() >= atSwitch + 1000);
            stop.set(true);
            writer.get(10, TimeUnit.SECONDS);
            reader.get(10, TimeUnit.SECONDS);

            // Replies: 1..n from A, then 1..m from B, nothing else, nothing out of order.
            assertThat(replies).hasSize((int) sent.get());
            List<Long> values = replies.stream().map(r -> {
                assertThat(r).as("every INCR gets a number").isInstanceOf(Long.class);
                return (Long) r;
            }).collect(Collectors.toList());
            int resets = 0;
            for (int i = 1; i < values.size(); i++) {
                if (values.get(i) == 1L) {
                    resets++;
                } else {
                    assertThat(values.get(i)).as("reply %d", i).isEqualTo(values.get(i - 1) + 1);
                }
            }
            assertThat(values.get(0)).isEqualTo(1L);
            assertThat(resets).as("the counter restarts once, on B").isEqualTo(1);
            long onA = Long.parseLong(directA.get("reload:counter"));
            long onB = Long.parseLong(directB.get("reload:counter"));
            assertThat(onA + onB).isEqualTo(sent.get());

            assertThat(bystander.set("written", "after")).isEqualTo("OK");
            assertThat(directB.get("written")).isEqualTo("after");
            assertThat(proxy.server().connectedClients()).isEqualTo(2);

            // The old upstream's connections are closed once nothing is in flight on them.
            String me = "id=" + directA.clientId() + " ";
            Await.until(Duration.ofSeconds(10), "the proxy's connections to A to close",
                    () -> directA.clientList().lines().filter(l -> !l.startsWith(me)).count() == 0);
        }
    }

    private static byte[] batchOfIncr() {
        byte[] one = RawRedisClient.encode("INCR", "reload:counter");
        byte[] all = new byte[one.length * BATCH];
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }
}
