package dev.turnout.controlplane.api;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.redis.ReplicationInfo;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.v1.ReplicaOffset;
import dev.turnout.v1.UpstreamReplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Each route's upstream as {@code INFO replication} shows it now: role, offset, replicas and their lag. The
 * routes are asked in parallel, each with the route's credentials and a {@value #TIMEOUT_MILLIS} ms timeout
 * (connect, then each command); one that does not answer is "unreachable: why".
 */
final class UpstreamReplications {

    static final long TIMEOUT_MILLIS = 500;
    /** A connect and two commands, each bounded by the timeout: what an answer may take at most. */
    static final long BOUND_MILLIS = 3 * TIMEOUT_MILLIS;

    private UpstreamReplications() {
    }

    /** By route name. Never fails: an upstream that cannot be asked is listed with its reason. */
    static CompletableFuture<List<UpstreamReplication>> ask(ProxyConfig state, Executor executor) {
        List<CompletableFuture<UpstreamReplication>> asks = new ArrayList<>();
        List<RouteConfig> routes = new ArrayList<>(state.routes().values());
        routes.sort(Comparator.comparing(RouteConfig::name));
        for (RouteConfig route : routes) {
            CompletableFuture<UpstreamReplication> ask;
            try {
                ask = CompletableFuture.supplyAsync(() -> ask(route), executor);
            } catch (RejectedExecutionException e) {
                ask = CompletableFuture.completedFuture(unreachable(route, "the control plane is stopping"));
            }
            asks.add(ask.completeOnTimeout(unreachable(route, "no answer within " + BOUND_MILLIS + " ms"),
                    BOUND_MILLIS, TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                .thenApply(done -> asks.stream().map(CompletableFuture::join).toList());
    }

    private static UpstreamReplication ask(RouteConfig route) {
        try (RedisAdmin admin = RedisAdmin.connect(route.upstream(), route.user(), route.password(),
                Duration.ofMillis(TIMEOUT_MILLIS))) {
            ReplicationInfo info = admin.replication();
            UpstreamReplication.Builder b = UpstreamReplication.newBuilder().setRoute(route.name())
                    .setUpstream(route.upstream().toString()).setRole(info.role())
                    .setMasterReplOffset(info.masterReplOffset());
            for (ReplicationInfo.Replica r : info.replicas()) {
                b.addReplicas(ReplicaOffset.newBuilder().setAddress(r.address()).setState(r.state())
                        .setOffset(r.offset()).setLagBytes(r.lagBytes()));
            }
            return b.build();
        } catch (RedisAdminException | RuntimeException e) {
            return unreachable(route, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static UpstreamReplication unreachable(RouteConfig route, String why) {
        return UpstreamReplication.newBuilder().setRoute(route.name()).setUpstream(route.upstream().toString())
                .setRole("unreachable: " + why).build();
    }
}
