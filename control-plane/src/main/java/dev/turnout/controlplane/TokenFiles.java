package dev.turnout.controlplane;

import dev.turnout.dataplane.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a bearer token from a file, once: the whole file less one trailing newline. */
final class TokenFiles {

    private TokenFiles() {
    }

    /**
     * @param flag names the setting in the error, e.g. {@code --token-file}
     * @throws IllegalArgumentException if the file cannot be read or holds no token; the message names the
     *                                  flag and the file, never the content
     */
    static Secret read(String flag, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot read " + file + " (" + e.getClass().getSimpleName()
                    + "); expected a readable file holding the token");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(flag + ": " + file + " is empty (expected the token)");
        }
        if (!text.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            // A header value carries visible ASCII only; a token with spaces or other bytes could never match.
            throw new IllegalArgumentException(flag + ": " + file + " holds characters a token cannot have"
                    + " (expected visible ASCII, no spaces, on one line)");
        }
        return Secret.of(text);
    }
}
