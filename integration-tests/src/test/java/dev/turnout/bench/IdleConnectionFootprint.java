package dev.turnout.bench;

import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Measures what one idle client connection costs the data plane: heap plus direct memory, after each of
 * N connections has sent one PING and read the reply. The clients are another process (Python), so their
 * own objects are not counted. Run by {@code bench/idle-connections.sh}; not a test.
 */
public final class IdleConnectionFootprint {

    private IdleConnectionFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        String script = args.length > 1 ? args[1] : "bench/idle_clients.py";
        try (RedisServerProcess redis = RedisServerProcess.builder().password("footprint").start();
             DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
            // Warm up: one client, so the upstream connections and pools exist before the baseline.
            runClients(proxy, script, 1);
            Await.until(Duration.ofSeconds(10), "the warm-up client to disconnect", () -> proxy.server().connectedClients() == 0);
            long heapBefore = settledHeap();
            long directBefore = direct();
            Process clients = startClients(proxy, script, connections);
            Await.until(Duration.ofSeconds(60), connections + " clients connected",
                    () -> proxy.server().connectedClients() == connections);
            long heapAfter = settledHeap();
            long directAfter = direct();
            clients.getOutputStream().close();
            clients.waitFor();
            double perHeap = (heapAfter - heapBefore) / (double) connections;
            double perDirect = (directAfter - directBefore) / (double) connections;
            System.out.printf("idle connections: %d%n", connections);
            System.out.printf("heap:   %,d -> %,d bytes (%.0f bytes per connection)%n", heapBefore, heapAfter, perHeap);
            System.out.printf("direct: %,d -> %,d bytes (%.0f bytes per connection)%n", directBefore, directAfter, perDirect);
            System.out.printf("total per idle connection: %.1f KiB (target: <= 16 KiB)%n", (perHeap + perDirect) / 1024);
        }
    }

    private static void runClients(DataPlaneFixture proxy, String script, int n) throws Exception {
        Process p = startClients(proxy, script, n);
        p.getOutputStream().close();
        p.waitFor();
    }

    private static Process startClients(DataPlaneFixture proxy, String script, int n) throws Exception {
        Process p = new ProcessBuilder("python3", script, proxy.host(), Integer.toString(proxy.port()), Integer.toString(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            throw new IllegalStateException("the client process did not get ready: " + line);
        }
        return p;
    }

    /** Heap in use after full collections, once two in a row agree within 1%. */
    private static long settledHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < used / 100) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    /** Direct memory Netty holds: its pooled arenas (whole chunks, used or not) plus unpooled direct buffers. */
    private static long direct() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() + Math.max(PlatformDependent.usedDirectMemory(), 0);
    }
}
