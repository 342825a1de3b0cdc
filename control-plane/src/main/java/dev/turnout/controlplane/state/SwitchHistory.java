package dev.turnout.controlplane.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.turnout.v1.SwitchRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every switch the control plane ran, whatever its outcome: {@value #NAME} in the data directory, one
 * {@link SwitchRecord} per line as JSON, appended and fsynced per record, mode 600 like the desired state.
 *
 * <pre>
 * {"id":"sw-1","route":"orders","from":"10.0.0.2:6379","to":"10.0.0.3:6379","mode":"wait-replication",...}
 * </pre>
 *
 * <p>The newest {@value #KEPT} records are kept in memory for {@link #newestFirst}; the file keeps them all.
 * A line that does not parse is skipped with a warning, never failing startup. A torn last line (a crash in
 * the middle of an append) is cut off at {@link #open}, so the next record starts on a line of its own.
 */
public final class SwitchHistory {

    /** The file's name in the data directory. */
    public static final String NAME = "switch-history.jsonl";

    /** How many records are kept in memory. */
    static final int KEPT = 1000;

    private static final int DEFAULT_LIMIT = 20;

    private static final Logger log = LoggerFactory.getLogger(SwitchHistory.class);

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final Path file;
    private final boolean posix;
    private final ArrayDeque<SwitchRecord> newest = new ArrayDeque<>(); // oldest first, at most KEPT
    private boolean startNewLine; // the file ends without a newline: the next append writes one first

    private SwitchHistory(Path file) {
        this.file = file;
        this.posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Reads {@code <dataDir>/}{@value #NAME} if it exists, creating {@code dataDir} (owner only) if needed.
     *
     * @throws IOException the directory cannot be created or the file cannot be read
     */
    public static SwitchHistory open(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dataDir);
            }
        }
        SwitchHistory history = new SwitchHistory(dataDir.resolve(NAME));
        if (Files.exists(history.file)) {
            history.read();
        }
        return history;
    }

    /**
     * Appends {@code record} as one line and fsyncs it; only then is it in {@link #newestFirst}. The file is
     * created mode 600 on the first append.
     *
     * @throws IOException nothing was recorded (a partly written line is cut off again where possible)
     */
    public synchronized void append(SwitchRecord record) throws IOException {
        byte[] line = ((startNewLine ? "\n" : "") + PRINTER.print(record) + "\n").getBytes(StandardCharsets.UTF_8);
        boolean created = !Files.exists(file);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(StateFile.OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), attributes)) {
            if (created && posix) {
                Files.setPosixFilePermissions(file, StateFile.OWNER_ONLY); // whatever the umask
            }
            long end = channel.size();
            try {
                ByteBuffer bytes = ByteBuffer.wrap(line);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            } catch (IOException e) {
                cutBack(channel, end, e);
                throw e;
            }
        }
        startNewLine = false;
        if (created) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
        keep(record);
    }

    /** The newest {@code limit} records, newest first; {@code limit <= 0} means 20. At most {@value #KEPT}. */
    public synchronized List<SwitchRecord> newestFirst(int limit) {
        int n = limit <= 0 ? DEFAULT_LIMIT : limit;
        List<SwitchRecord> out = new ArrayList<>(Math.min(n, newest.size()));
        for (Iterator<SwitchRecord> it = newest.descendingIterator(); it.hasNext() && out.size() < n; ) {
            out.add(it.next());
        }
        return List.copyOf(out);
    }

    /** Loads the newest records; skips lines that do not parse, and cuts off a torn last line. */
    private void read() throws IOException {
        if (posix) {
            try {
                Files.setPosixFilePermissions(file, StateFile.OWNER_ONLY); // a copy restored by hand, say
            } catch (IOException e) {
                log.warn("{}: cannot make it owner-only ({})", file, e.toString());
            }
        }
        long complete = 0; // bytes up to the end of the last whole line
        byte[] tail = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int lineNumber = 0;
            long offset = 0;
            for (int b; (b = in.read()) != -1; ) {
                offset++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                lineNumber++;
                complete = offset;
                parse(line.toString(StandardCharsets.UTF_8), lineNumber, true);
                line.reset();
            }
            if (line.size() > 0 && !parse(line.toString(StandardCharsets.UTF_8), lineNumber + 1, false)) {
                tail = line.toByteArray();
            }
        }
        if (tail != null) {
            log.warn("{}: the last line ({} bytes, no newline) is an append torn by a crash; cutting it off", file,
                    tail.length);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(complete);
                channel.force(true);
                return;
            } catch (IOException e) {
                log.warn("{}: cannot cut off the torn line ({}); the next record starts a new line", file, e.toString());
            }
        }
        startNewLine = Files.size(file) > complete;
    }

    /** Keeps the record {@code line} holds; false (and a warning if {@code warn}) if it holds none. */
    private boolean parse(String line, int lineNumber, boolean warn) {
        if (line.isBlank()) {
            return true;
        }
        SwitchRecord.Builder record = SwitchRecord.newBuilder();
        try {
            PARSER.merge(line, record);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            if (warn) {
                log.warn("{} line {}: not a switch record, skipped ({})", file, lineNumber, e.getMessage());
            }
            return false;
        }
        keep(record.build());
        return true;
    }

    private void keep(SwitchRecord record) {
        newest.addLast(record);
        if (newest.size() > KEPT) {
            newest.removeFirst();
        }
    }

    /** After a failed write: removes what part of the line made it, so the next append starts a clean line. */
    private void cutBack(FileChannel channel, long end, IOException failure) {
        try {
            channel.truncate(end);
        } catch (IOException | UncheckedIOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Makes a new file's directory entry durable; some file systems cannot open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not durable against a power cut on this file system; the record itself is.
        }
    }
}
