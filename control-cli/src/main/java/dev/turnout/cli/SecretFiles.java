package dev.turnout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a token or password: the whole file (or standard input for {@code -}), less one trailing newline. */
final class SecretFiles {

    private SecretFiles() {
    }

    /**
     * @param what names the setting in error messages, e.g. {@code --password-file}
     * @param file a path, relative to {@code base}, or {@code -} for standard input
     */
    static String read(String what, String file, Path base, InputStream stdin, Secrets secrets) {
        String text;
        String source;
        try {
            if (file.equals("-")) {
                source = "standard input";
                text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } else {
                Path path = base.resolve(file);
                source = path.toString();
                text = Files.readString(path, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw CliFailure.usage(what + ": cannot read " + (file.equals("-") ? "standard input" : base.resolve(file))
                    + " (" + e.getClass().getSimpleName() + "); expected a readable file holding the secret");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw CliFailure.usage(what + ": " + source + " is empty; expected the secret");
        }
        secrets.add(text);
        return text;
    }
}
