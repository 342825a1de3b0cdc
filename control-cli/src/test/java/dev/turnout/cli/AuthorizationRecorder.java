package dev.turnout.cli;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the {@code authorization} header of every call a server receives; "(none)" when absent. */
final class AuthorizationRecorder implements ServerInterceptor {

    final List<String> values = new CopyOnWriteArrayList<>();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String value = headers.get(AdminClient.AUTHORIZATION);
        values.add(value == null ? "(none)" : value);
        return next.startCall(call, headers);
    }
}
