package dev.turnout.cli;

import com.google.protobuf.MessageOrBuilder;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One run of proxyctl: its streams, environment and channel factory (all injected, so tests capture them),
 * the global options, and the secrets read so far. Commands get it in their constructor, print through it
 * (so every line is redacted) and connect through it.
 */
final class Invocation {

    static final String ENV_CONTROL_PLANE = "TURNOUT_CONTROL_PLANE";
    static final String ENV_TOKEN = "TURNOUT_TOKEN";

    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream stdin;
    private final Map<String, String> env;
    private final ChannelFactory channels;
    private final GlobalOptions options = new GlobalOptions();
    private final Secrets secrets = new Secrets();

    Invocation(PrintWriter out, PrintWriter err, InputStream stdin, Map<String, String> env, ChannelFactory channels) {
        this.out = out;
        this.err = err;
        this.stdin = stdin;
        this.env = Map.copyOf(env);
        this.channels = channels;
    }

    GlobalOptions options() {
        return options;
    }

    InputStream stdin() {
        return stdin;
    }

    Secrets secrets() {
        return secrets;
    }

    boolean json() {
        return options.output == OutputFormat.JSON;
    }

    /** --control-plane, else $TURNOUT_CONTROL_PLANE, else 127.0.0.1:7700. */
    HostPort controlPlane() {
        String flag = "--control-plane";
        String value = options.controlPlane;
        if (value == null) {
            flag = ENV_CONTROL_PLANE;
            value = env.get(ENV_CONTROL_PLANE);
        }
        if (value == null || value.isBlank()) {
            return HostPort.parse(GlobalOptions.DEFAULT_CONTROL_PLANE);
        }
        try {
            return HostPort.parse(value.strip());
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(flag + ": " + e.getMessage());
        }
    }

    /** The admin token: the contents of --token-file, else $TURNOUT_TOKEN; empty when neither is set. */
    Optional<String> token() {
        String token;
        String what;
        if (options.tokenFile != null) {
            what = "--token-file";
            token = SecretFiles.read(what, options.tokenFile.toString(), Path.of(""), stdin, secrets).strip();
        } else {
            what = ENV_TOKEN;
            token = env.getOrDefault(ENV_TOKEN, "").strip();
            secrets.add(token);
        }
        if (token.isEmpty()) {
            if (options.tokenFile != null) {
                throw CliFailure.usage(what + ": " + options.tokenFile + " holds only blanks; expected the admin token");
            }
            return Optional.empty();
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw CliFailure.usage(what + ": the token holds a character other than printable ASCII"
                    + " (spaces and control characters included); expected the admin token alone");
        }
        return Optional.of(token);
    }

    /** A client for the control plane; close it when done. */
    AdminClient connect() {
        HostPort address = controlPlane();
        Optional<String> token = token();
        return new AdminClient(address, channels.open(address), token, options.timeout);
    }

    /** Prints {@code text} (a line or several) on standard output, secrets masked. */
    void print(String text) {
        out.print(secrets.redact(text.endsWith("\n") ? text : text + "\n"));
        out.flush();
    }

    /** Prints a response as -o json does. */
    void printJson(MessageOrBuilder response) {
        print(ProtoJson.print(response));
    }

    /** Prints a response as one line of JSON, for a stream of responses (status --watch). */
    void printJsonLine(MessageOrBuilder response) {
        print(ProtoJson.printLine(response));
    }

    /** Prints the one line of an error on standard error, secrets masked. */
    void printError(String message) {
        err.println("proxyctl: " + secrets.redact(message));
        err.flush();
    }
}
