package dev.turnout.dataplane.session;

import java.util.HashSet;
import java.util.Set;

/**
 * The channels, patterns and shard channels a session is subscribed to, as projected when each
 * (un)subscribe command is sent: that is what decides how many confirmations a command will get and when
 * the session leaves subscribed state. Names are kept as ISO-8859-1 strings, one char per byte.
 */
final class SubscriptionState {

    final Set<String> channels = new HashSet<>();
    final Set<String> patterns = new HashSet<>();
    final Set<String> shardChannels = new HashSet<>();

    boolean isEmpty() {
        return channels.isEmpty() && patterns.isEmpty() && shardChannels.isEmpty();
    }

    void clear() {
        channels.clear();
        patterns.clear();
        shardChannels.clear();
    }
}
