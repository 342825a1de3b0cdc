package dev.turnout.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code proxyctl}'s entry point: the real streams, environment and network. */
public final class Proxyctl {

    /** gRPC logs through java.util.logging; proxyctl reports failures itself, in one line. Held: JUL keeps weak references. */
    private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

    private Proxyctl() {
    }

    public static void main(String[] args) {
        GRPC_LOG.setLevel(Level.OFF);
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true);
        int exit = ProxyctlCommand.newCommandLine(out, err, System.in, System.getenv(), ChannelFactory.plaintext())
                .execute(args);
        out.flush();
        err.flush();
        System.exit(exit);
    }
}
