package dev.turnout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a token or password: the whole file (or standard input for {@code -}), less ONE trailing newline
 * ({@code "\n"} or {@code "\r\n"}), as password files (and {@code echo} into one) usually end in one. Every
 * secret read is added to the invocation's {@link Secrets}, so it is never printed.
 */
final class SecretFiles {

    private SecretFiles() {
    }

    /**
     * The secret as text (UTF-8), for the passwords and tokens proxyctl sends.
     *
     * @param what names the setting in error messages, e.g. {@code --password-file}
     * @param file a path, relative to {@code base}, or {@code -} for standard input
     */
    static String read(String what, String file, Path base, InputStream stdin, Secrets secrets) {
        byte[] secret = readBytes(what, file, base, stdin, secrets);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(secret)).toString();
        } catch (CharacterCodingException e) {
            throw CliFailure.usage(what + ": " + source(file, base) + " is not UTF-8 text; expected the secret as text");
        }
    }

    /**
     * The secret's bytes exactly as in the file (one trailing newline aside), for a password that proxyctl hashes
     * rather than sends: the hash must be of the bytes a client will send, whatever their encoding.
     */
    static byte[] readBytes(String what, String file, Path base, InputStream stdin, Secrets secrets) {
        byte[] bytes;
        try {
            bytes = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(base.resolve(file));
        } catch (IOException e) {
            throw CliFailure.usage(what + ": cannot read " + source(file, base) + " (" + e.getClass().getSimpleName()
                    + "); expected a readable file holding the secret");
        }
        int length = bytes.length;
        if (length >= 2 && bytes[length - 2] == '\r' && bytes[length - 1] == '\n') {
            length -= 2;
        } else if (length >= 1 && bytes[length - 1] == '\n') {
            length -= 1;
        }
        if (length == 0) {
            throw CliFailure.usage(what + ": " + source(file, base) + " is empty; expected the secret");
        }
        byte[] secret = Arrays.copyOf(bytes, length);
        secrets.add(new String(secret, StandardCharsets.UTF_8));
        return secret;
    }

    private static String source(String file, Path base) {
        return file.equals("-") ? "standard input" : base.resolve(file).toString();
    }
}
