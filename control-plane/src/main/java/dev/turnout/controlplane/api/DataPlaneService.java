package dev.turnout.controlplane.api;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DataPlaneService.Connect}: the first message on a stream must be a Hello (else INVALID_ARGUMENT),
 * which registers the stream; Status and ConfigAck messages after it go to the registry. A second Hello on
 * one stream is INVALID_ARGUMENT too. When the stream ends, the data plane stays listed as disconnected.
 */
public final class DataPlaneService extends DataPlaneServiceGrpc.DataPlaneServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(DataPlaneService.class);

    private final DataPlaneRegistry registry;

    public DataPlaneService(DataPlaneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public StreamObserver<DataPlaneMessage> connect(StreamObserver<ControlMessage> responseObserver) {
        ServerCallStreamObserver<ControlMessage> observer = (ServerCallStreamObserver<ControlMessage>) responseObserver;
        Stream stream = new Stream(new ObserverControlStream(observer), BearerTokenCheck.callerAddress());
        observer.setOnCancelHandler(stream::cancelled);
        return stream;
    }

    /** One Connect stream. gRPC calls these methods one at a time (never concurrently) for one stream. */
    private final class Stream implements StreamObserver<DataPlaneMessage> {

        private final ObserverControlStream out;
        private final String address;
        private volatile DataPlaneRegistry.Registration registration;
        private volatile boolean refused;

        Stream(ObserverControlStream out, String address) {
            this.out = out;
            this.address = address;
        }

        @Override
        public void onNext(DataPlaneMessage message) {
            if (refused) {
                return; // sent before the data plane saw our error
            }
            DataPlaneRegistry.Registration r = registration;
            if (r == null) {
                if (!message.hasHello()) {
                    refuse("the first message on a Connect stream must be a Hello, got " + describe(message));
                    return;
                }
                if (message.getHello().getId().isBlank()) {
                    refuse("hello.id: empty (expected the data plane's id, unique in the fleet)");
                    return;
                }
                registration = registry.connect(message.getHello(), address, out);
                return;
            }
            switch (message.getMessageCase()) {
                case STATUS -> r.status(message.getStatus());
                case CONFIG_ACK -> r.ack(message.getConfigAck());
                case PAUSE_REPORT -> r.pauseReport(message.getPauseReport());
                case HELLO -> refuse("Hello sent twice on one stream (expected Status or ConfigAck after the first)");
                default -> r.seen(); // a message of a newer data plane: it is alive, at least
            }
        }

        @Override
        public void onError(Throwable t) {
            out.markClosed();
            ended();
        }

        @Override
        public void onCompleted() {
            out.close(Status.OK);
            ended();
        }

        void cancelled() {
            out.markClosed();
            ended();
        }

        private void refuse(String why) {
            refused = true;
            log.warn("Closed a data-plane stream from {}: {}", address, why);
            out.close(Status.INVALID_ARGUMENT.withDescription(why));
            ended();
        }

        private void ended() {
            DataPlaneRegistry.Registration r = registration;
            if (r != null) {
                r.disconnected();
            }
        }

        private String describe(DataPlaneMessage message) {
            return message.getMessageCase() == DataPlaneMessage.MessageCase.MESSAGE_NOT_SET
                    ? "an empty message" : message.getMessageCase().name();
        }
    }
}
