package dev.turnout.controlplane.tenant;

import dev.turnout.controlplane.operation.TargetPreparation;
import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.registry.SnapshotPreparer;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.User;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, on every route's upstream Redis, one {@link TenantAclUser} per proxy user with a namespace, and tells the
 * data planes to use it: each snapshot sent to them carries, for each such user, its ACL user's credentials and the
 * routes whose upstream holds it ({@code User.upstream_user}, {@code upstream_password}, {@code upstream_routes}).
 *
 * <p>When: before each desired state is sent ({@link #prepare}, called by the registry, at start too); on a switch's
 * target before any traffic moves there ({@link #prepare(RedisAdmin, RouteConfig, ProxyConfig)}: Redis does not
 * replicate ACL users); and every few seconds ({@link #repair()}), to create again those an upstream lost (a
 * restarted Redis forgets the ACL users it did not save to an ACL file). On each upstream it creates or updates the
 * wanted users ({@code ACL SETUSER}) and deletes the ones of removed users ({@code ACL DELUSER}, which closes their
 * connections); it connects with the route's own credentials.
 *
 * <p>Where it cannot (the route's upstream user lacks {@code +acl}, a Redis older than 6), it says so once in the
 * log (and {@link #routeNote}), and that route's tenants keep using the route's credentials. An upstream that does
 * not answer keeps the ACL users it was known to hold (they still work once it answers); users it never got use the
 * route's credentials until a later change. A user whose rules Redis refuses (a namespace with a space) is left out
 * on its own.
 *
 * <p>Thread-safe: one conversation with the upstreams at a time. {@link #prepare} does not talk to any upstream when
 * every one is known to be up to date, so a switch's new desired state goes out without waiting on Redis.
 */
public final class TenantProvisioner implements SnapshotPreparer, TargetPreparation {

    private static final Logger log = LoggerFactory.getLogger(TenantProvisioner.class);

    /** Bounds the connect, and then each command, on an upstream. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How often {@link #repair()} should run. */
    public static final Duration REPAIR_INTERVAL = Duration.ofSeconds(10);

    private final TenantPasswords passwords;
    private final Duration timeout;
    private final Object io = new Object(); // one conversation with the upstreams at a time
    private final Map<Upstream, UpstreamState> states = new ConcurrentHashMap<>();
    private volatile Prepared last; // the newest desired state prepared, and what it was sent with
    private final Map<String, String> logged = new ConcurrentHashMap<>(); // what was said, to say it once

    /** @param timeout bounds the connect, and then each command, on an upstream */
    public TenantProvisioner(TenantPasswords passwords, Duration timeout) {
        this.passwords = passwords;
        this.timeout = timeout;
    }

    /** A route's upstream as the control plane reaches it: the server, with the route's credentials. */
    record Upstream(HostAndPort address, String user, Secret password) {
        static Upstream of(RouteConfig route) {
            return new Upstream(route.upstream(), route.user(), route.password());
        }

        @Override
        public String toString() {
            return address + (user == null ? "" : " (as " + user + ")");
        }
    }

    /** A desired state, the tenant ACL users it wants, and the snapshot sent for it. */
    private record Prepared(ProxyConfig config, Map<String, TenantAclUser> wanted, ConfigSnapshot sent) {
    }

    // ============================================================================ SnapshotPreparer

    @Override
    public ConfigSnapshot prepare(ConfigSnapshot desired) {
        ProxyConfig config;
        try {
            config = ConfigSnapshots.fromProto(desired);
        } catch (ConfigException e) { // never: the desired state was validated before
            log.error("Tenant ACL users: cannot read desired state version {} ({}); sent without them",
                    desired.getVersion(), e.getMessage());
            return desired;
        }
        Map<String, TenantAclUser> wanted = wanted(config);
        if (!upToDate(config, wanted)) {
            synchronized (io) {
                Prepared newest = last;
                if (newest == null || desired.getVersion() >= newest.config().version()) {
                    for (Map.Entry<Upstream, List<String>> e : upstreams(config).entrySet()) {
                        reconcile(e.getKey(), e.getValue(), wanted, null, false);
                    }
                }
            }
        }
        ConfigSnapshot sent = withCredentials(desired, config, wanted);
        synchronized (this) {
            if (last == null || config.version() >= last.config().version()) {
                last = new Prepared(config, wanted, sent);
            }
        }
        return sent;
    }

    /**
     * One line about {@code route}'s tenants, as the last snapshot sent has them: "" when it has no user with a
     * namespace; "provisioned: ..." when they all use their own ACL users; else "not provisioned: why" or
     * "provisioned for 2 of 3 tenants; not for carol: why". Meant for the status.
     */
    public String routeNote(String route) {
        Prepared prepared = last;
        if (prepared == null || prepared.wanted().isEmpty() || !prepared.config().routes().containsKey(route)) {
            return "";
        }
        Set<String> using = new TreeSet<>();
        for (User u : prepared.sent().getUsersList()) {
            if (u.getUpstreamRoutesList().contains(route)) {
                using.add(u.getName());
            }
        }
        Set<String> without = new TreeSet<>();
        prepared.wanted().values().forEach(t -> without.add(t.user()));
        without.removeAll(using);
        UpstreamState state = states.getOrDefault(Upstream.of(prepared.config().routes().get(route)), UpstreamState.NONE);
        String problem = state.problem(prepared.wanted());
        if (without.isEmpty()) {
            return "provisioned: " + using.size() + " tenant ACL user(s)" + (problem == null ? "" : "; " + problem);
        }
        String why = problem == null ? "created after the snapshot was sent; used from the next change" : problem;
        return (using.isEmpty() ? "not provisioned: " : "provisioned for " + using.size() + " of " + (using.size()
                + without.size()) + " tenants; not for " + String.join(", ", without) + ": ") + why
                + " (they use the route's credentials)";
    }

    // ============================================================================ TargetPreparation

    /**
     * Creates the tenant ACL users on a switch's target, on the connection that checked it. Fails when a user that
     * has its ACL user on the route's current upstream could not get it on the target: once moved there, its
     * commands could not authenticate. A route whose tenants use the route's credentials never fails here.
     */
    @Override
    public void prepare(RedisAdmin target, RouteConfig route, ProxyConfig state) throws RedisAdminException {
        Map<String, TenantAclUser> wanted = wanted(state);
        if (wanted.isEmpty()) {
            return;
        }
        synchronized (io) {
            UpstreamState current = states.getOrDefault(Upstream.of(route), UpstreamState.NONE);
            Set<String> needed = current.inSync(wanted);
            Upstream upstream = new Upstream(target.address(), route.user(), route.password());
            UpstreamState after = reconcile(upstream, List.of(route.name()), wanted, target, true);
            Set<String> missing = new TreeSet<>(needed);
            missing.removeAll(after.inSync(wanted));
            if (!missing.isEmpty()) {
                List<String> users = missing.stream().map(name -> wanted.get(name).user()).toList();
                throw new RedisAdminException(target.address() + ": cannot create the tenants' upstream ACL users there ("
                        + after.problem(wanted) + "); Redis does not replicate them, and on route '" + route.name()
                        + "' user(s) " + String.join(", ", users) + " use theirs: give the route's upstream user +acl on "
                        + target.address() + " as on " + route.upstream() + ", then switch again", null, true);
            }
        }
    }

    // ============================================================================ repair

    /**
     * Visits every upstream of the last desired state and creates again the tenant ACL users it lost (a restarted
     * Redis forgets those it did not save); retries upstreams that refused or did not answer. Never throws. What it
     * creates that the data planes were not told of yet, they are told with the next change.
     */
    public void repair() {
        Prepared prepared = last;
        if (prepared == null) {
            return;
        }
        try {
            synchronized (io) {
                for (Map.Entry<Upstream, List<String>> e : upstreams(prepared.config()).entrySet()) {
                    reconcile(e.getKey(), e.getValue(), prepared.wanted(), null, true);
                }
            }
        } catch (RuntimeException e) {
            log.error("Tenant ACL users: repair failed", e);
        }
    }

    // ============================================================================ the work

    /** The tenant ACL users {@code config} wants, by ACL user name; a user whose password cannot be made is left out. */
    private Map<String, TenantAclUser> wanted(ProxyConfig config) {
        Map<String, TenantAclUser> wanted = new TreeMap<>();
        for (UserConfig user : config.users().values()) {
            if (user.namespace().isEmpty()) {
                continue;
            }
            try {
                TenantAclUser t = TenantAclUser.of(user.name(), user.namespace(), passwords.passwordFor(user.name()));
                wanted.put(t.name(), t);
            } catch (IOException e) {
                sayOnce("password:" + user.name(), e.getMessage(), () -> log.error("Tenant ACL users: cannot store a"
                        + " password for user '{}' in {} ({}); it uses the routes' credentials upstream",
                        user.name(), passwords.file(), e.getMessage()));
            }
        }
        return wanted;
    }

    /** Each distinct upstream of {@code config} (server and credentials), with the names of its routes. */
    private static Map<Upstream, List<String>> upstreams(ProxyConfig config) {
        Map<Upstream, List<String>> upstreams = new LinkedHashMap<>();
        for (RouteConfig route : new TreeMap<>(config.routes()).values()) {
            upstreams.computeIfAbsent(Upstream.of(route), u -> new ArrayList<>()).add(route.name());
        }
        return upstreams;
    }

    private boolean upToDate(ProxyConfig config, Map<String, TenantAclUser> wanted) {
        for (Upstream upstream : upstreams(config).keySet()) {
            if (!states.getOrDefault(upstream, UpstreamState.NONE).upToDate(wanted)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Brings one upstream in line with {@code wanted}: lists its ACL users, sets those missing or changed, deletes
     * this control plane's that are no longer wanted. Holds {@link #io}.
     *
     * @param open   a connection to use (left open), or null to connect with the upstream's credentials
     * @param verify talk to the upstream even if it is known to be up to date
     */
    private UpstreamState reconcile(Upstream upstream, List<String> routes, Map<String, TenantAclUser> wanted,
                                    RedisAdmin open, boolean verify) {
        UpstreamState before = states.getOrDefault(upstream, UpstreamState.NONE);
        // Nothing wanted, and nothing of ours there (never any user, or none left when last listed).
        boolean nothingToDo = wanted.isEmpty() && (passwords.users().isEmpty()
                || before.listed() && before.refusal() == null && before.applied().isEmpty());
        if (open == null && (nothingToDo || !verify && before.upToDate(wanted))) {
            return before;
        }
        UpstreamState after;
        RedisAdmin admin = open;
        try {
            if (admin == null) {
                admin = RedisAdmin.connect(upstream.address(), upstream.user(), upstream.password(), timeout);
            }
            after = converge(admin, upstream, wanted, before);
        } catch (RedisAdminException e) {
            after = e.refusedByServer() ? UpstreamState.refused(e.getMessage())
                    : before.unreachable(e.getMessage(), wanted);
        } finally {
            if (open == null && admin != null) {
                admin.close();
            }
        }
        states.put(upstream, after);
        report(upstream, routes, before, after);
        return after;
    }

    private UpstreamState converge(RedisAdmin admin, Upstream upstream, Map<String, TenantAclUser> wanted,
                                   UpstreamState before) throws RedisAdminException {
        Set<String> present = new HashSet<>(admin.aclUsers());
        Map<String, List<String>> applied = new TreeMap<>(before.applied());
        Set<String> lost = new TreeSet<>(applied.keySet());
        lost.removeAll(present);
        if (!lost.isEmpty()) {
            log.warn("Tenant ACL users: {} no longer has {} (was it restarted? it forgets ACL users it did not save to"
                    + " an ACL file); creating them again", upstream, lost);
            applied.keySet().removeAll(lost);
        }
        Map<String, List<String>> failed = new TreeMap<>(before.failed());
        Map<String, String> reasons = new TreeMap<>(before.reasons());
        failed.keySet().retainAll(wanted.keySet());
        reasons.keySet().retainAll(wanted.keySet());
        List<String> set = new ArrayList<>();
        for (TenantAclUser t : wanted.values()) {
            List<String> rules = t.rules();
            boolean same = present.contains(t.name()) && rules.equals(applied.get(t.name()));
            if (same || rules.equals(failed.get(t.name()))) {
                continue; // in place; or refused with these very rules already
            }
            try {
                admin.setAclUser(t.name(), rules);
                applied.put(t.name(), rules);
                failed.remove(t.name());
                reasons.remove(t.name());
                set.add(t.name());
            } catch (RedisAdminException e) {
                if (!e.refusedByServer() || !e.getMessage().contains("Error in ACL SETUSER modifier")) {
                    throw e; // the whole upstream: NOPERM, no ACL command, unreachable
                }
                applied.remove(t.name());
                failed.put(t.name(), rules);
                reasons.put(t.name(), e.getMessage());
            }
        }
        Set<String> mine = new HashSet<>();
        passwords.users().forEach(user -> mine.add(TenantAclUser.nameFor(user)));
        List<String> stale = new ArrayList<>(new TreeSet<>(present));
        stale.removeIf(name -> !mine.contains(name) || wanted.containsKey(name));
        if (!stale.isEmpty()) {
            try {
                admin.deleteAclUsers(stale);
                log.info("Tenant ACL users: deleted {} on {} (their users are gone or have no namespace)", stale, upstream);
            } catch (RedisAdminException e) {
                log.warn("Tenant ACL users: cannot delete {} on {} ({}); they stay until a later change", stale,
                        upstream, e.getMessage());
            }
        }
        applied.keySet().removeAll(stale);
        if (!set.isEmpty()) {
            log.info("Tenant ACL users: set {} on {}", set, upstream);
        }
        return UpstreamState.reached(applied, failed, reasons);
    }

    /** Logs what changed for the worse (or back to good) on an upstream, once. */
    private void report(Upstream upstream, List<String> routes, UpstreamState before, UpstreamState after) {
        String key = "upstream:" + upstream;
        if (after.refusal() != null) {
            sayOnce(key, after.refusal(), () -> log.warn("Tenant ACL users: cannot create them on {}: {}; the tenants"
                    + " of route(s) {} use the route's credentials there", upstream, after.refusal(), routes));
        } else if (after.unreachable() != null) {
            sayOnce(key, after.unreachable(), () -> log.warn("Tenant ACL users: cannot reach {}: {}; route(s) {} keep"
                    + " the ones it was known to hold, tenants without one use the route's credentials; retrying every"
                    + " {} s", upstream, after.unreachable(), routes, REPAIR_INTERVAL.toSeconds()));
        } else if (logged.remove(key) != null) {
            log.info("Tenant ACL users: {} holds them again (route(s) {})", upstream, routes);
        }
        after.reasons().forEach((name, reason) -> sayOnce(key + ":" + name, reason, () -> log.warn("Tenant ACL users:"
                + " {}; that user uses the route's credentials on route(s) {}", reason, routes)));
    }

    private void sayOnce(String key, String what, Runnable say) {
        if (!what.equals(logged.put(key, what))) {
            say.run();
        }
    }

    /** {@code desired}, each of its users with a namespace given its ACL user's credentials where that is in place. */
    private ConfigSnapshot withCredentials(ConfigSnapshot desired, ProxyConfig config, Map<String, TenantAclUser> wanted) {
        ConfigSnapshot.Builder snapshot = desired.toBuilder();
        for (int i = 0; i < snapshot.getUsersCount(); i++) {
            User user = snapshot.getUsers(i);
            TenantAclUser t = user.getNamespace().isEmpty() ? null : wanted.get(TenantAclUser.nameFor(user.getName()));
            User.Builder b = user.toBuilder().clearUpstreamUser().clearUpstreamPassword().clearUpstreamRoutes();
            if (t != null) {
                List<String> rules = t.rules();
                for (RouteConfig route : new TreeMap<>(config.routes()).values()) {
                    UpstreamState state = states.getOrDefault(Upstream.of(route), UpstreamState.NONE);
                    if (rules.equals(state.applied().get(t.name()))) {
                        b.addUpstreamRoutes(route.name());
                    }
                }
                if (b.getUpstreamRoutesCount() > 0) {
                    b.setUpstreamUser(t.name()).setUpstreamPassword(t.password().reveal());
                }
            }
            snapshot.setUsers(i, b);
        }
        return snapshot.build();
    }

    @Override
    public String toString() {
        return "TenantProvisioner[" + passwords.file() + "]";
    }
}
