package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A client that pipelines far faster than it reads replies is simply not read any more: the proxy's
 * memory stays bounded, nothing is dropped, and the client gets every reply, in order, once it reads.
 */
class BackpressureIT {

    private static final int VALUE_SIZE = 1024;
    private static final int PAIRS_PER_CHUNK = 32;
    /**
     * What the client writes: far more than the bound below. Paranoid leak detection records a stack trace
     * on nearly every buffer access, which makes the proxy some 15 times slower than in production; 128 MiB
     * keeps this test near 15 s (200 MiB takes 25 s and proves nothing more).
     */
    private static final long TOTAL_BYTES = 128L * 1024 * 1024;
    /**
     * The proxy's pooled direct memory may not grow past this: well under the volume written, above what
     * one client may legitimately hold (max-inflight-per-client 16384 replies of 1 KiB, and 4 MiB pool
     * chunks).
     */
    private static final long MEMORY_BOUND = 48L * 1024 * 1024;

    @Test
    void clientThatDoesNotReadStopsBeingReadAndGetsEveryReplyLater() throws Exception {
        byte[] value = "v".repeat(VALUE_SIZE).getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = chunk(value);
        long chunks = TOTAL_BYTES / chunk.length + 1;
        long commands = chunks * PAIRS_PER_CHUNK * 2;
        AtomicLong written = new AtomicLong();
        AtomicLong peakMemory = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (RedisServerProcess redis = RedisServerProcess.start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start();
             RawRedisClient client = RawRedisClient.connect(proxy.host(), proxy.port(), 64 * 1024)) {
            long baseline = usedDirectMemory();
            sampler.scheduleAtFixedRate(() -> peakMemory.accumulateAndGet(usedDirectMemory() - baseline, Math::max),
                    0, 2, TimeUnit.MILLISECONDS);

            OutputStream out = client.output();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (long i = 0; i < chunks; i++) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            // Not reading: the writer stalls once the proxy stops reading and the socket buffers fill.
            Await.until(Duration.ofSeconds(20), "the proxy to stop reading from a client that does not read",
                    new Stall(written, Duration.ofMillis(500)), stalled -> stalled);
            assertThat(written.get()).as("bytes the proxy took before it stopped reading").isLessThan(TOTAL_BYTES / 2);
            assertThat(writer).isNotDone();

            // Now read: every reply arrives, in order, and the writer finishes.
            long replies = readReplies(client.input(), commands, value.length);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(replies).isEqualTo(commands);
            assertThat(client.call("PING")).isEqualTo("PONG");
        } finally {
            sampler.shutdownNow();
        }
        assertThat(peakMemory.get()).as("peak pooled direct memory above the baseline").isLessThan(MEMORY_BOUND);
    }

    /** {@code PAIRS_PER_CHUNK} times {@code SET bp:i <value>} then {@code GET bp:i}. */
    private static byte[] chunk(byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String v = new String(value, StandardCharsets.US_ASCII);
        for (int i = 0; i < PAIRS_PER_CHUNK; i++) {
            b.writeBytes(RawRedisClient.encode("SET", "bp:" + i, v));
            b.writeBytes(RawRedisClient.encode("GET", "bp:" + i));
        }
        return b.toByteArray();
    }

    /** Reads {@code count} replies, checking each is +OK or the value, alternately; returns how many came. */
    private static long readReplies(InputStream raw, long count, int valueLength) throws IOException {
        InputStream in = new BufferedInputStream(raw, 256 * 1024);
        byte[] ok = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bulkHeader = ("$" + valueLength + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] scratch = new byte[valueLength + 2];
        for (long i = 0; i < count; i++) {
            if (i % 2 == 0) {
                expect(in, ok, i);
            } else {
                expect(in, bulkHeader, i);
                if (in.readNBytes(scratch, 0, scratch.length) != scratch.length || scratch[0] != 'v'
                        || scratch[valueLength + 1] != '\n') {
                    throw new AssertionError("reply " + i + ": not the value");
                }
            }
        }
        return count;
    }

    private static void expect(InputStream in, byte[] expected, long index) throws IOException {
        byte[] got = in.readNBytes(expected.length);
        if (!java.util.Arrays.equals(got, expected)) {
            throw new AssertionError("reply " + index + ": expected " + new String(expected, StandardCharsets.US_ASCII).strip()
                    + ", got " + new String(got, StandardCharsets.ISO_8859_1));
        }
    }

    private static long usedDirectMemory() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }

    /** True once {@code counter} has not moved for {@code quiet}. */
    private static final class Stall implements java.util.function.Supplier<Boolean> {
        private final AtomicLong counter;
        private final long quietNanos;
        private long lastValue = -1;
        private long since;

        Stall(AtomicLong counter, Duration quiet) {
            this.counter = counter;
            this.quietNanos = quiet.toNanos();
        }

        @Override
        public Boolean get() {
            long v = counter.get();
            long now = System.nanoTime();
            if (v != lastValue) {
                lastValue = v;
                since = now;
                return false;
            }
            return v > 0 && now - since >= quietNanos;
        }
    }
}
