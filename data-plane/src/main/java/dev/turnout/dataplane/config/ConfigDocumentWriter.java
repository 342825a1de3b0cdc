package dev.turnout.dataplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Comparator;

/**
 * Writes a {@link ProxyConfig} as the YAML document {@link ConfigDocumentReader} reads: every route field
 * and every limit spelled out, so the output shows what is in force. Route passwords and users' password
 * hashes are inline, or {@code "******"} when masked. Reading the unmasked output back gives an equal
 * configuration (version aside: the document has none).
 */
public final class ConfigDocumentWriter {

    /** What a masked password reads as. */
    public static final String MASK = "******";

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());

    private ConfigDocumentWriter() {
    }

    /**
     * @param maskSecrets write each route password and each user's password hash as {@code "******"} instead
     *                    of its value
     */
    public static String toYaml(ProxyConfig config, boolean maskSecrets) {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode listeners = root.putArray("listeners");
        for (ListenerConfig listener : config.listeners()) {
            listeners.addObject()
                    .put("listen", listener.listen().toString())
                    .put("route", listener.route());
        }
        ObjectNode routes = root.putObject("routes");
        for (RouteConfig route : config.routes().values().stream().sorted(Comparator.comparing(RouteConfig::name)).toList()) {
            ObjectNode r = routes.putObject(route.name());
            r.put("upstream", route.upstream().toString());
            if (route.user() != null) {
                r.put("user", route.user());
            }
            if (route.password() != null) {
                r.put("password", maskSecrets ? MASK : route.password().reveal());
            }
            r.put("databases", route.databases());
            r.put("connect-timeout", duration(route.connectTimeout()));
        }
        LimitsConfig limits = config.limits();
        root.putObject("limits")
                .put("max-clients", limits.maxClients())
                .put("idle-timeout", duration(limits.idleTimeout()))
                .put("max-bulk-length", size(limits.maxBulkLength()))
                .put("max-multibulk-length", limits.maxMultibulkLength())
                .put("max-inline-length", size(limits.maxInlineLength()))
                .put("max-inflight-per-client", limits.maxInflightPerClient());
        if (!config.users().isEmpty()) {
            // Password hashes, not passwords, but masked all the same: a hash is enough to try passwords offline.
            var users = root.putArray("users");
            for (UserConfig user : config.users().values()) {
                var u = users.addObject().put("name", user.name())
                        .put("password", maskSecrets ? MASK : user.passwordHash())
                        .put("namespace", user.namespace()).put("commands", user.commands());
                if (user.maxConnections() > 0) {
                    u.put("max-connections", user.maxConnections());
                }
                if (user.rateLimit() > 0) {
                    u.put("rate-limit", user.rateLimit());
                }
            }
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
    }

    /** The largest exact unit {@link ConfigValues#duration} reads: {@code 5m}, {@code 250ms}, {@code 0}. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long millis = d.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** The largest exact power of 1024 {@link ConfigValues#size} reads: {@code 512mb}, {@code 64kb}, {@code 1000}. */
    static String size(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "gb";
        }
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "mb";
        }
        if (bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "kb";
        }
        return Long.toString(bytes);
    }
}
