package dev.turnout.cli;

/**
 * Ends a command with an exit code and one line for standard error. The message is the whole line after
 * {@code "proxyctl: "}: what went wrong and what to do next, never a secret.
 */
final class CliFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    CliFailure(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliFailure usage(String message) {
        return new CliFailure(ExitCode.USAGE, message);
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
