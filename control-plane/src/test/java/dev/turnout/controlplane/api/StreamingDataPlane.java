package dev.turnout.controlplane.api;

import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneServiceGrpc;
import dev.turnout.v1.Hello;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A data plane on a real Connect stream that behaves: a Pause is answered DRAINING then PAUSED, a Resume SERVING,
 * a snapshot with an acknowledgement. It answers from the stream's callback, as the real agent answers from its
 * own thread, one message after the other.
 */
final class StreamingDataPlane implements AutoCloseable {

    private final StreamObserver<DataPlaneMessage> up;
    private final List<ControlMessage> received = new ArrayList<>();

    StreamingDataPlane(DataPlaneServiceGrpc.DataPlaneServiceStub stub, String id) {
        this.up = stub.connect(new StreamObserver<>() {
            @Override
            public void onNext(ControlMessage message) {
                synchronized (StreamingDataPlane.this) {
                    received.add(message);
                    answer(message);
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        synchronized (this) {
            up.onNext(DataPlaneMessage.newBuilder().setHello(Hello.newBuilder().setId(id).setSoftwareVersion("test")).build());
        }
    }

    synchronized List<ControlMessage> received() {
        return List.copyOf(received);
    }

    private void answer(ControlMessage message) {
        switch (message.getMessageCase()) {
            case PAUSE -> {
                String op = message.getPause().getOperationId();
                report(PauseReport.newBuilder().setOperationId(op).setPhase(Phase.DRAINING).setInflightCommands(2)
                        .addBusy("client 3 127.0.0.1:50000: 2 command(s) in flight").build());
                report(PauseReport.newBuilder().setOperationId(op).setPhase(Phase.PAUSED).setDrainedCommands(2)
                        .setHeldCommands(4).setElapsedMillis(7).build());
            }
            case RESUME -> report(PauseReport.newBuilder().setOperationId(message.getResume().getOperationId())
                    .setPhase(Phase.SERVING).setHeldMillis(55).setEnd("resumed").build());
            case CONFIG -> up.onNext(DataPlaneMessage.newBuilder().setConfigAck(ConfigAck.newBuilder()
                    .setVersion(message.getConfig().getVersion()).setApplied(true)).build());
            default -> {
            }
        }
    }

    private void report(PauseReport report) {
        up.onNext(DataPlaneMessage.newBuilder().setPauseReport(report).build());
    }

    @Override
    public synchronized void close() {
        try {
            up.onCompleted();
        } catch (RuntimeException e) {
            // already over
        }
    }
}
