package dev.turnout.dataplane.session;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Every event loop's {@link LoopSessions}. */
public final class Sessions {

    private final Map<EventLoop, LoopSessions> loops = new IdentityHashMap<>();

    public Sessions(EventLoopGroup group) {
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            loops.put(loop, new LoopSessions(loop));
        }
    }

    LoopSessions forLoop(EventLoop loop) {
        LoopSessions sessions = loops.get(loop);
        if (sessions == null) {
            throw new IllegalStateException("event loop " + loop + " is not one of this data plane's");
        }
        return sessions;
    }

    public Collection<LoopSessions> loops() {
        return List.copyOf(loops.values());
    }
}
