package dev.turnout.dataplane.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a password from a file: the whole file, less one trailing newline. */
public final class PasswordFiles {

    private PasswordFiles() {
    }

    /** @param what names the setting in error messages, e.g. {@code --upstream-password-file} */
    public static Secret read(String what, Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(what, "cannot read password file " + file + " (" + e.getClass().getSimpleName()
                    + "); expected a readable file holding the password");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new ConfigException(what, "password file " + file + " is empty");
        }
        return Secret.of(text);
    }
}
