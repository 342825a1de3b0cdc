package dev.turnout.controlplane.api;

import dev.turnout.dataplane.config.Secret;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a call through only if it carries {@code authorization: Bearer <token>}; otherwise closes it with
 * UNAUTHENTICATED ("missing or wrong token"). The comparison takes the same time whatever the token sent,
 * and neither the expected nor the offered token is ever logged or echoed. Also makes the caller's address
 * available to the service ({@link #CALLER_ADDRESS}).
 */
public final class BearerTokenCheck implements ServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(BearerTokenCheck.class);

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CALLER_ADDRESS = Context.key("turnout-caller-address");

    private static final String SCHEME = "Bearer ";

    private final byte[] expected;
    private final String what;

    /**
     * @param token the token callers must present
     * @param what  whose token it is, for the log ("admin", "data-plane")
     */
    public BearerTokenCheck(Secret token, String what) {
        this.expected = (SCHEME + token.reveal()).getBytes(StandardCharsets.UTF_8);
        this.what = what;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String address = CallerAddress.of(call);
        String offered = headers.get(AUTHORIZATION);
        // MessageDigest.isEqual takes time that depends on the expected length only, not on where they differ.
        boolean ok = offered != null && MessageDigest.isEqual(expected, normalise(offered).getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            log.warn("Refused {} from {}: {} {} token", call.getMethodDescriptor().getFullMethodName(), address,
                    offered == null ? "no" : "wrong", what);
            call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong token"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER_ADDRESS, address), call, headers, next);
    }

    /** The scheme is case-insensitive (RFC 7235). */
    private static String normalise(String header) {
        return header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                ? SCHEME + header.substring(SCHEME.length()) : header;
    }

    /** The caller's address in a call that passed the check. */
    static String callerAddress() {
        String address = CALLER_ADDRESS.get();
        return address == null ? "unknown" : address;
    }
}
