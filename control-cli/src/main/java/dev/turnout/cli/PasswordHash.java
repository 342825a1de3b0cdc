package dev.turnout.cli;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A client user's password as the control plane stores it, {@code sha256:<64 lower-case hex digits>}, computed
 * here so that the password itself never leaves the operator's machine. The same as
 * {@code printf %s 'the password' | sha256sum}.
 */
final class PasswordHash {

    static final String PREFIX = "sha256:";

    private PasswordHash() {
    }

    static String of(byte[] password) {
        try {
            return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The hash of the password in {@code file} ({@code -}: standard input), one trailing newline dropped.
     *
     * @param what names the option in error messages, e.g. {@code --password-file}
     */
    static String ofFile(Invocation invocation, String what, String file) {
        return of(SecretFiles.readBytes(what, file, java.nio.file.Path.of(""), invocation.stdin(), invocation.secrets()));
    }
}
