package dev.turnout.controlplane.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The fields of {@code INFO replication} a switch needs. A field the server did not report is {@code ""} or
 * {@code 0}: a primary has no {@code masterHost}, {@code masterPort}, {@code masterLinkStatus} or
 * {@code slaveReplOffset}; a replica lists no {@code replicas} (unless it has replicas of its own).
 *
 * <p>Offsets of two servers are comparable only while they share a {@code masterReplId}: a replica that
 * synced from this primary reports the primary's id.
 *
 * @param role {@code "master"} or {@code "slave"}, as Redis words it
 * @param masterReplId the replication id ({@code master_replid})
 * @param masterReplOffset the server's own replication offset ({@code master_repl_offset})
 * @param masterHost a replica's primary, as configured ({@code master_host})
 * @param masterPort a replica's primary's port ({@code master_port})
 * @param masterLinkStatus a replica's link to its primary: {@code "up"} or {@code "down"}
 * @param slaveReplOffset how far a replica has processed its primary's stream ({@code slave_repl_offset})
 * @param replicas a primary's replicas ({@code slave0:}, {@code slave1:}, ... lines)
 */
public record ReplicationInfo(String role, String masterReplId, long masterReplOffset, String masterHost, int masterPort,
                              String masterLinkStatus, long slaveReplOffset, List<Replica> replicas) {

    private static final Pattern REPLICA_KEY = Pattern.compile("slave\\d+");

    public ReplicationInfo {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(masterReplId, "masterReplId");
        Objects.requireNonNull(masterHost, "masterHost");
        Objects.requireNonNull(masterLinkStatus, "masterLinkStatus");
        replicas = List.copyOf(replicas);
    }

    /**
     * One replica as its primary sees it: {@code slave0:ip=10.0.0.3,port=6379,state=online,offset=123,lag=0}.
     *
     * @param address {@code ip:port} ({@code [v6]:port} for an IPv6 address)
     * @param state {@code online} once it has synced; {@code wait_bgsave}, {@code send_bulk} before
     * @param offset the offset the replica last acknowledged (it acknowledges about once a second)
     * @param lagBytes how far behind the primary's {@code masterReplOffset} that acknowledgement is
     */
    public record Replica(String address, String state, long offset, long lagBytes) {
    }

    /** Whether the server is a primary ({@code role:master}). */
    public boolean isPrimary() {
        return "master".equals(role);
    }

    /** Whether the server is a replica whose link to its primary is up. */
    public boolean isLinkUp() {
        return "slave".equals(role) && "up".equals(masterLinkStatus);
    }

    /** Parses the text of {@code INFO replication} ({@code key:value} lines, {@code #} section headers). */
    public static ReplicationInfo parse(String info) {
        Map<String, String> fields = new HashMap<>();
        List<String> replicaLines = new ArrayList<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("#") || colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            if (REPLICA_KEY.matcher(key).matches()) {
                replicaLines.add(value);
            } else {
                fields.put(key, value);
            }
        }
        long masterOffset = number(fields.get("master_repl_offset"));
        List<Replica> replicas = new ArrayList<>(replicaLines.size());
        for (String line : replicaLines) {
            replicas.add(replica(line, masterOffset));
        }
        return new ReplicationInfo(fields.getOrDefault("role", ""), fields.getOrDefault("master_replid", ""),
                masterOffset, fields.getOrDefault("master_host", ""), (int) number(fields.get("master_port")),
                fields.getOrDefault("master_link_status", ""), number(fields.get("slave_repl_offset")), replicas);
    }

    /** {@code ip=127.0.0.1,port=6380,state=online,offset=123,lag=0}. */
    private static Replica replica(String line, long masterOffset) {
        Map<String, String> parts = new HashMap<>();
        for (String part : line.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        String ip = parts.getOrDefault("ip", "?");
        String address = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + parts.getOrDefault("port", "?");
        long offset = number(parts.get("offset"));
        return new Replica(address, parts.getOrDefault("state", ""), offset, Math.max(0, masterOffset - offset));
    }

    private static long number(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
