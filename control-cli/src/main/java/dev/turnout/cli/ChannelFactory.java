package dev.turnout.cli;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/** Opens the gRPC channel to the control plane; tests pass one that opens an in-process channel instead. */
@FunctionalInterface
public interface ChannelFactory {

    ManagedChannel open(HostPort address);

    /** A plaintext channel over the transport on the class path (grpc-netty-shaded in the proxyctl jar). */
    static ChannelFactory plaintext() {
        return address -> Grpc.newChannelBuilderForAddress(address.host(), address.port(),
                        InsecureChannelCredentials.create())
                .userAgent("proxyctl/" + Version.number())
                .build();
    }
}
