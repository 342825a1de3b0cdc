package dev.turnout.dataplane.session;

import java.util.ArrayList;
import java.util.List;

/**
 * How far one event loop (or, summed, the data plane) is from drained: commands in flight upstream, commands
 * held, and the client connections that keep it busy (in flight, inside MULTI, blocked), a few by name.
 */
public record DrainState(long inflight, long held, int busySessions, List<String> busy) {

    /** Most busy connections named in one report: enough to act on, never a flood. */
    public static final int MAX_NAMED = 20;

    public static final DrainState EMPTY = new DrainState(0, 0, 0, List.of());

    public boolean drained() {
        return busySessions == 0;
    }

    public DrainState plus(DrainState other) {
        List<String> names = new ArrayList<>(busy);
        for (String name : other.busy) {
            if (names.size() < MAX_NAMED) {
                names.add(name);
            }
        }
        return new DrainState(inflight + other.inflight, held + other.held, busySessions + other.busySessions,
                List.copyOf(names));
    }
}
