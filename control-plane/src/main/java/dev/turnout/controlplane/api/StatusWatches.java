package dev.turnout.controlplane.api;

import dev.turnout.v1.FleetStatus;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open WatchStatus streams. Each sends the status at once, then looks again {@value #INTERVAL_MILLIS} ms
 * after each look and sends it when it changed, until the caller cancels or the control plane stops. A caller
 * that does not read is not sent more: the newest status goes out once it is ready again.
 */
final class StatusWatches {

    private static final Logger log = LoggerFactory.getLogger(StatusWatches.class);

    static final long INTERVAL_MILLIS = 200;

    private final FleetStatuses statuses;
    private final ScheduledExecutorService scheduler;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();

    StatusWatches(FleetStatuses statuses, ScheduledExecutorService scheduler) {
        this.statuses = statuses;
        this.scheduler = scheduler;
    }

    void watch(ServerCallStreamObserver<FleetStatus> out) {
        Watch watch = new Watch(out);
        open.add(watch);
        out.setOnCancelHandler(watch::cancelled);
        watch.look();
    }

    /** How many watches are open. */
    int size() {
        return open.size();
    }

    /** Ends every watch with UNAVAILABLE: the control plane is stopping. */
    void closeAll() {
        for (Watch watch : open) {
            watch.end(Status.UNAVAILABLE.withDescription("the control plane is shutting down"));
        }
    }

    private final class Watch {
        private final ServerCallStreamObserver<FleetStatus> out;
        private FleetStatus lastSent; // guarded by this
        private boolean ended;        // guarded by this

        Watch(ServerCallStreamObserver<FleetStatus> out) {
            this.out = out;
        }

        void look() {
            statuses.status().whenComplete((status, error) -> {
                synchronized (this) {
                    if (ended) {
                        return;
                    }
                    if (error != null) {
                        log.error("WatchStatus: cannot build the status", error);
                    } else if (!status.equals(lastSent) && out.isReady()) {
                        lastSent = status;
                        try {
                            out.onNext(status);
                        } catch (RuntimeException e) {
                            cancelled(); // the call is over
                            return;
                        }
                    }
                    try {
                        scheduler.schedule(this::look, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        end(Status.UNAVAILABLE.withDescription("the control plane is shutting down"));
                    }
                }
            });
        }

        synchronized void cancelled() {
            ended = true;
            open.remove(this);
        }

        synchronized void end(Status status) {
            if (ended) {
                return;
            }
            cancelled();
            try {
                out.onError(status.asRuntimeException());
            } catch (RuntimeException e) {
                // cancelled meanwhile
            }
        }
    }
}
