package dev.turnout.controlplane.registry;

import dev.turnout.v1.ControlMessage;
import io.grpc.Status;

/** The control plane's side of one data plane's stream. Implementations are thread-safe and never block. */
public interface ControlStream {

    /**
     * Queues a message for the data plane.
     *
     * @return false if the stream is closed (the message is dropped)
     */
    boolean send(ControlMessage message);

    /** Ends the stream: OK completes it, any other status fails it. Does nothing if it is already closed. */
    void close(Status status);
}
