package dev.turnout.dataplane.upstream;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes upstream connections once per event-loop iteration instead of once per client read: commands
 * from all the clients read in one iteration leave in one write. Confined to its event loop.
 */
final class FlushBatcher implements Runnable {

    private final EventLoop loop;
    private final List<UpstreamConnection> dirty = new ArrayList<>();
    private boolean scheduled;

    FlushBatcher(EventLoop loop) {
        this.loop = loop;
    }

    void schedule(UpstreamConnection connection) {
        if (connection.flushQueued) {
            return;
        }
        connection.flushQueued = true;
        dirty.add(connection);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // Index loop: a flush may fail a connection whose listeners schedule more flushes.
        for (int i = 0; i < dirty.size(); i++) {
            UpstreamConnection connection = dirty.get(i);
            connection.flushQueued = false;
            connection.flushNow();
        }
        dirty.clear();
    }
}
