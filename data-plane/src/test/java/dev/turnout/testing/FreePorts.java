package dev.turnout.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out TCP ports that are free on the loopback interface, for servers started by tests.
 *
 * <p>Ports come from {@value #FIRST}..{@value #LAST}: below Linux's ephemeral range (32768 and up), so an
 * outgoing connection does not take a port between the check and the bind, and low enough that
 * {@code port + 10000} (a Redis Cluster bus port) is valid too. Never 6379, Redis's standard port, nor a
 * port this JVM handed out recently. A port is free when it could be bound just now; another process
 * may still take it before the server binds, so whoever binds should retry with a new port on
 * "address already in use".
 */
public final class FreePorts {

    /** Lowest port handed out. */
    public static final int FIRST = 20000;
    /** Highest port handed out. */
    public static final int LAST = 29999;

    private static final int REDIS_STANDARD_PORT = 6379;
    private static final int REMEMBERED = 2000;
    private static final int ATTEMPTS = 1000;

    // Guarded by FreePorts.class: the last REMEMBERED ports handed out, oldest first.
    private static final ArrayDeque<Integer> recentOrder = new ArrayDeque<>();
    private static final Set<Integer> recent = new HashSet<>();

    private FreePorts() {
    }

    /**
     * Returns a port that is free on 127.0.0.1 now and was not handed out recently by this JVM.
     *
     * @throws IllegalStateException if no free port was found
     */
    public static synchronized int next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = random.nextInt(FIRST, LAST + 1);
            if (port != REDIS_STANDARD_PORT && !recent.contains(port) && isFree(port)) {
                remember(port);
                return port;
            }
        }
        throw new IllegalStateException("No free loopback port found in " + FIRST + ".." + LAST + " after "
                + ATTEMPTS + " attempts; are many servers still running from earlier tests?");
    }

    /**
     * Whether a server could listen on {@code port} on 127.0.0.1 right now. Like Redis and the JDK's
     * server sockets, this binds with SO_REUSEADDR, so connections in TIME_WAIT do not count.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void remember(int port) {
        if (recentOrder.size() == REMEMBERED) {
            recent.remove(recentOrder.removeFirst());
        }
        recentOrder.addLast(port);
        recent.add(port);
    }
}
