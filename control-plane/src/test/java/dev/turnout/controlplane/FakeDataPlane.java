package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneServiceGrpc;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.Hello;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A data plane's side of one Connect stream: what it sends is up to the test, what it receives is queued.
 * Only the test thread sends.
 */
final class FakeDataPlane implements AutoCloseable {

    private final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final StreamObserver<DataPlaneMessage> up;

    FakeDataPlane(DataPlaneServiceGrpc.DataPlaneServiceStub stub) {
        this.up = stub.connect(new StreamObserver<>() {
            @Override
            public void onNext(ControlMessage message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable t) {
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
    }

    FakeDataPlane hello(String id, long appliedVersion) {
        return send(DataPlaneMessage.newBuilder().setHello(Hello.newBuilder()
                .setId(id).setSoftwareVersion("test-1.0").setAppliedVersion(appliedVersion)).build());
    }

    FakeDataPlane ack(long version, boolean applied, String error) {
        return send(DataPlaneMessage.newBuilder().setConfigAck(ConfigAck.newBuilder()
                .setVersion(version).setApplied(applied).setError(error)).build());
    }

    FakeDataPlane status(DataPlaneStatus status) {
        return send(DataPlaneMessage.newBuilder().setStatus(status).build());
    }

    FakeDataPlane send(DataPlaneMessage message) {
        up.onNext(message);
        return this;
    }

    /** The next message from the control plane, waiting up to {@code timeout}. */
    ControlMessage next(Duration timeout) throws InterruptedException {
        ControlMessage message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a message from the control plane within " + timeout).isNotNull();
        return message;
    }

    /** How the control plane ended the stream, waiting up to {@code timeout}. */
    Status closedWith(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** Ends the stream from the data plane's side, as a data plane that stops does. */
    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                up.onCompleted();
            } catch (RuntimeException e) {
                // already ended
            }
        }
    }
}
