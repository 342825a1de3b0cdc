package dev.turnout.controlplane.tenant;

import dev.turnout.controlplane.state.StateFile;
import dev.turnout.dataplane.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The passwords of the tenants' upstream ACL users: {@value #NAME} in the control plane's data directory, beside the
 * desired state, mode 600, one {@code <user> <64 hex digits>} line per proxy user.
 *
 * <p>A user's password is 32 random bytes (as hex), made the first time it is asked for and written to the file
 * before it is returned, so that it is the same after a restart and never has to be changed on the upstreams. A
 * line stays after its user is removed: the name tells the control plane which {@code turnout-tenant-*} ACL users
 * on an upstream are its own to delete (also where the upstream was unreachable when the user was removed), and a
 * user added again under the same name gets its password back. The file is replaced atomically (temp file, fsync,
 * rename, fsync of the directory), like the desired state. The passwords are never logged nor shown.
 */
public final class TenantPasswords {

    /** The file's name in the data directory. */
    public static final String NAME = "tenant-acl-passwords";

    private static final String HEADER = """
            # Turnout control plane: the passwords of the tenants' upstream ACL users (turnout-tenant-<user>).
            # Made once per user and kept, so that they survive restarts. Keep it private (mode 600). Removing it makes
            # new passwords, set on the upstreams at the next change (tenants' connections then authenticate again).
            """;
    private static final Pattern LINE = Pattern.compile("(\\S+) ([0-9a-f]{64})");

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> passwords; // guarded by this; user -> hex

    private TenantPasswords(Path file, Map<String, String> passwords) {
        this.file = file;
        this.passwords = passwords;
    }

    /**
     * Loads {@value #NAME} from {@code dataDir}; none there is no password yet.
     *
     * @throws IOException it cannot be read, or a line is not {@code <user> <64 hex digits>} (the message names
     *                     the file and the line, never its content)
     */
    public static TenantPasswords open(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        Files.deleteIfExists(temp(file)); // a crash's leftover, never the file
        Map<String, String> passwords = new TreeMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                var m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new IOException(file + ", line " + (i + 1) + ": expected '<user> <64 lowercase hex digits>'"
                            + " (fix the line, or remove it: that user's upstream ACL user then gets a new password at"
                            + " the next change)");
                }
                passwords.put(m.group(1), m.group(2));
            }
        }
        return new TenantPasswords(file, passwords);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /**
     * The password of {@code user}'s upstream ACL user, made (and written to the file) if it has none yet.
     *
     * @throws IOException a new password could not be written; then none is made
     */
    public synchronized Secret passwordFor(String user) throws IOException {
        String password = passwords.get(user);
        if (password == null) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            password = HexFormat.of().formatHex(bytes);
            Map<String, String> next = new TreeMap<>(passwords);
            next.put(user, password);
            write(next);
            passwords.put(user, password);
        }
        return Secret.of(password);
    }

    /** Every user that has a password, removed users included. */
    public synchronized Set<String> users() {
        return Set.copyOf(passwords.keySet());
    }

    private void write(Map<String, String> all) throws IOException {
        StringBuilder text = new StringBuilder(HEADER);
        all.forEach((user, password) -> text.append(user).append(' ').append(password).append('\n'));
        StateFile.writeAtomically(file, text.toString());
    }

    private static Path temp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    @Override
    public String toString() {
        return "TenantPasswords[" + file + "]";
    }
}
