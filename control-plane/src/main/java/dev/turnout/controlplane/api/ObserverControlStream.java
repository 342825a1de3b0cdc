package dev.turnout.controlplane.api;

import dev.turnout.controlplane.registry.ControlStream;
import dev.turnout.v1.ControlMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A data plane's stream as the registry sees it. gRPC's observers are not thread-safe and a publish, a log
 * level change and the stream's own handler may all send at once: every call is synchronised here, and
 * nothing is sent once the stream is closed or cancelled.
 */
final class ObserverControlStream implements ControlStream {

    private final ServerCallStreamObserver<ControlMessage> observer;
    private boolean closed;

    ObserverControlStream(ServerCallStreamObserver<ControlMessage> observer) {
        this.observer = observer;
    }

    @Override
    public synchronized boolean send(ControlMessage message) {
        if (closed) {
            return false;
        }
        try {
            observer.onNext(message);
            return true;
        } catch (RuntimeException e) {
            closed = true; // cancelled under our feet
            return false;
        }
    }

    @Override
    public synchronized void close(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (status.isOk()) {
                observer.onCompleted();
            } else {
                observer.onError(status.asRuntimeException());
            }
        } catch (RuntimeException e) {
            // already cancelled by the peer: nothing left to close
        }
    }

    /** The call ended from the other side; nothing may be sent any more. */
    synchronized void markClosed() {
        closed = true;
    }
}
