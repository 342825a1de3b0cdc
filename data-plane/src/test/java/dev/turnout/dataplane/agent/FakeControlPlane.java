package dev.turnout.dataplane.agent;

import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneServiceGrpc;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.Hello;
import dev.turnout.v1.SetLogLevel;
import dev.turnout.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A control plane for agent tests, over gRPC's in-process transport: it records every message and the
 * authorization header of every stream, and lets the test send messages down the latest stream or break it.
 */
final class FakeControlPlane implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String name = InProcessServerBuilder.generateName();
    private final Server server;
    final List<DataPlaneMessage> received = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Streams the data plane closed itself (half-close). */
    final List<Integer> completedByDataPlane = new CopyOnWriteArrayList<>();
    private final List<StreamObserver<ControlMessage>> streams = new CopyOnWriteArrayList<>();

    FakeControlPlane() {
        ServerInterceptor recordToken = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                ServerCallHandler<Q, R> next) {
                authorizations.add(String.valueOf(headers.get(AUTHORIZATION)));
                return next.startCall(call, headers);
            }
        };
        try {
            server = InProcessServerBuilder.forName(name)
                    .addService(ServerInterceptors.intercept(new Service(), recordToken))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ManagedChannel channel() {
        return InProcessChannelBuilder.forName(name).build();
    }

    int streams() {
        return streams.size();
    }

    /** Sends down the latest stream. */
    void send(ControlMessage message) {
        StreamObserver<ControlMessage> stream = streams.get(streams.size() - 1);
        synchronized (stream) {
            stream.onNext(message);
        }
    }

    void send(ConfigSnapshot snapshot) {
        send(ControlMessage.newBuilder().setConfig(snapshot).build());
    }

    void send(SetLogLevel setLogLevel) {
        send(ControlMessage.newBuilder().setSetLogLevel(setLogLevel).build());
    }

    /** Ends the latest stream with {@code status}. */
    void fail(Status status) {
        StreamObserver<ControlMessage> stream = streams.get(streams.size() - 1);
        synchronized (stream) {
            stream.onError(status.asRuntimeException());
        }
    }

    List<Hello> hellos() {
        return received.stream().filter(DataPlaneMessage::hasHello).map(DataPlaneMessage::getHello).toList();
    }

    List<ConfigAck> acks() {
        return received.stream().filter(DataPlaneMessage::hasConfigAck).map(DataPlaneMessage::getConfigAck).toList();
    }

    List<DataPlaneStatus> statuses() {
        return received.stream().filter(DataPlaneMessage::hasStatus).map(DataPlaneMessage::getStatus).toList();
    }

    Hello awaitHello(int count) {
        return Await.until(TIMEOUT, count + " hello(s)", this::hellos, h -> h.size() >= count).get(count - 1);
    }

    ConfigAck awaitAck(long version) {
        return Await.until(TIMEOUT, "an ack of version " + version, this::acks,
                acks -> acks.stream().anyMatch(a -> a.getVersion() == version))
                .stream().filter(a -> a.getVersion() == version).reduce((a, b) -> b).orElseThrow();
    }

    /** The message that follows {@code message} in what the data plane sent. */
    DataPlaneMessage awaitAfter(DataPlaneMessage.MessageCase after, DataPlaneMessage.MessageCase next) {
        return Await.until(TIMEOUT, "a " + next + " after a " + after, () -> {
            int i = lastIndexOf(after);
            return i >= 0 && i + 1 < received.size() && received.get(i + 1).getMessageCase() == next ? received.get(i + 1) : null;
        }, m -> m != null);
    }

    private int lastIndexOf(DataPlaneMessage.MessageCase kind) {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (received.get(i).getMessageCase() == kind) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends DataPlaneServiceGrpc.DataPlaneServiceImplBase {
        @Override
        public StreamObserver<DataPlaneMessage> connect(StreamObserver<ControlMessage> responses) {
            int index = streams.size();
            streams.add(responses);
            return new StreamObserver<>() {
                @Override
                public void onNext(DataPlaneMessage message) {
                    received.add(message);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    completedByDataPlane.add(index);
                    synchronized (responses) {
                        try {
                            responses.onCompleted();
                        } catch (IllegalStateException alreadyClosed) {
                            // the test broke this stream first
                        }
                    }
                }
            };
        }
    }
}
