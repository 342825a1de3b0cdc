package dev.turnout.cli;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The token and passwords one invocation has read. proxyctl never prints them; everything it prints
 * (including what the control plane says) passes through {@link #redact} as well, so a server that echoes
 * a secret does not leak it either. Secrets shorter than {@value #MIN_LENGTH} characters are not searched
 * for, as they would mask ordinary words.
 */
final class Secrets {

    static final int MIN_LENGTH = 6;
    static final String MASK = "******";

    private final Set<String> values = new LinkedHashSet<>();

    void add(String secret) {
        if (secret.length() >= MIN_LENGTH) {
            values.add(secret);
        }
    }

    String redact(String text) {
        String result = text;
        for (String secret : values) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
