package dev.turnout.controlplane.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.turnout.dataplane.config.ConfigDocumentReader;
import dev.turnout.dataplane.config.ConfigDocumentWriter;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.ProxyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The desired state on disk: {@value #NAME} in the data directory, mode 600 (it holds the upstream
 * passwords), replaced atomically (temp file, fsync, rename, fsync of the directory).
 *
 * <pre>
 * # Turnout control plane: the desired state. ...
 * format: 1
 * version: 7
 * config:              # the document `proxyctl config apply` takes, passwords inline
 *   listeners:
 *     - listen: 127.0.0.1:6380
 *       route: orders
 *   routes:
 *     orders:
 *       upstream: 127.0.0.1:6379
 *       password: s3cret
 *       ...
 * </pre>
 *
 * <p>A missing file is the initial state: version 0, no listeners, no routes. The state is only written
 * once a change is accepted, so the file's version is always 1 or more.
 */
public final class StateFile {

    /** The file's name in the data directory. */
    public static final String NAME = "desired-state.yaml";

    /** Bumped if the layout ever changes, so that a newer file is refused rather than misread. */
    static final int FORMAT = 1;

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static final String HEADER = """
            # Turnout control plane: the desired state, version and configuration (passwords inline).
            # Written atomically by the control plane at every accepted change; keep it private (mode 600).
            # Change it with proxyctl, not by hand: a hand edit is only read when the control plane starts.
            """;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());

    private StateFile() {
    }

    /** The file's text for {@code config}, whose version is the state's. */
    static String render(ProxyConfig config) {
        try {
            ObjectNode root = YAML.createObjectNode();
            root.put("format", FORMAT);
            root.put("version", config.version());
            root.set("config", YAML.readTree(ConfigDocumentWriter.toYaml(config, false)));
            return HEADER + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // the writer's own output always parses
        }
    }

    /**
     * Reads the text {@link #render} wrote.
     *
     * @param relativeTo where relative paths in the document resolve (there are none in what we write)
     * @throws InvalidChangeException naming the path in the file ({@code config.routes.orders.upstream})
     */
    static ProxyConfig parse(String text, Path relativeTo) throws InvalidChangeException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidChangeException("", "not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidChangeException("", "expected a mapping with format, version and config");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isIntegralNumber() || format.asInt() != FORMAT) {
            throw new InvalidChangeException("format", "expected " + FORMAT + ", got "
                    + (format == null ? "nothing" : "'" + format.asText() + "'")
                    + " (a file written by another version of Turnout?)");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
            throw new InvalidChangeException("version", "expected a whole number >= 1");
        }
        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            throw new InvalidChangeException("config", "missing (expected the configuration document)");
        }
        try {
            // The environment is empty: a password-env in the state file would be a hand edit, not ours.
            return new ConfigDocumentReader(name -> null)
                    .read(YAML.writeValueAsString(config), relativeTo)
                    .withVersion(version.asLong());
        } catch (ConfigException e) {
            throw new InvalidChangeException("config", e.getMessage());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces {@code file} with {@code text} atomically: a reader (or a crash) sees the old file or the new
     * one, never a mix. The new file is mode 600 where the file system has POSIX permissions.
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left over by a crash between write and rename
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try {
            try (FileChannel channel = FileChannel.open(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
                if (posix) {
                    Files.setPosixFilePermissions(tmp, OWNER_ONLY); // whatever the umask
                }
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically on this file system; use a local"
                        + " directory for --data-dir", e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes the rename itself durable. Some file systems cannot open a directory; the rename is atomic anyway. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not durable against a power cut on this file system, still atomic.
        }
    }
}
