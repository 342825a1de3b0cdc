package dev.turnout.dataplane.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A password or token. Its {@link #toString()} never shows the value, so a secret can sit in a record
 * that is logged or printed without leaking.
 */
public final class Secret {

    private final byte[] value;

    private Secret(byte[] value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return new Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret's bytes (a copy). */
    public byte[] bytes() {
        return value.clone();
    }

    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** Constant-time comparison. */
    public boolean matches(byte[] candidate) {
        return MessageDigest.isEqual(value, candidate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "******";
    }
}
