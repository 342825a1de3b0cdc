package dev.turnout.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwitchHistoryTest {

    @TempDir
    Path dataDir;

    @Test
    void anEmptyDataDirectoryHasNoHistoryAndNoFile() throws Exception {
        SwitchHistory history = SwitchHistory.open(dataDir);

        assertThat(history.newestFirst(0)).isEmpty();
        assertThat(dataDir.resolve(SwitchHistory.NAME)).doesNotExist();
    }

    @Test
    void recordsComeBackNewestFirstWithEveryField() throws Exception {
        SwitchHistory history = SwitchHistory.open(dataDir);
        SwitchRecord full = record(1).toBuilder()
                .setMode("wait-replication").setOutcome(Outcome.DONE).setMessage("switched")
                .setVersion(7).setStartedMillis(1_700_000_000_000L).setCheckMillis(3).setDrainMillis(4)
                .setReplicationMillis(5).setApplyMillis(6).setHeldMillis(15).setTotalMillis(20)
                .setFencedOffset(123_456).setTargetOffset(123_456).addWarnings("w1").addWarnings("w2")
                .build();

        history.append(full);
        history.append(record(2));
        history.append(record(3));

        assertThat(history.newestFirst(0)).containsExactly(record(3), record(2), full);
    }

    @Test
    void theLimitCountsFromTheNewestAndDefaultsToTwenty() throws Exception {
        SwitchHistory history = SwitchHistory.open(dataDir);
        for (int i = 1; i <= 25; i++) {
            history.append(record(i));
        }

        assertThat(history.newestFirst(2)).containsExactly(record(25), record(24));
        assertThat(history.newestFirst(0)).hasSize(20).startsWith(record(25)).endsWith(record(6));
        assertThat(history.newestFirst(-1)).hasSize(20);
        assertThat(history.newestFirst(100)).hasSize(25).endsWith(record(1));
    }

    @Test
    void theHistorySurvivesARestartInAnOwnerOnlyFileOfOneJsonLinePerRecord() throws Exception {
        SwitchHistory before = SwitchHistory.open(dataDir);
        before.append(record(1));
        before.append(record(2));

        SwitchHistory after = SwitchHistory.open(dataDir);
        after.append(record(3));

        assertThat(after.newestFirst(0)).containsExactly(record(3), record(2), record(1));
        Path file = dataDir.resolve(SwitchHistory.NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("{\"id\":\"sw-1\",\"route\":\"orders\"").doesNotContain(" ");
        assertThat(SwitchHistory.open(dataDir).newestFirst(0)).containsExactly(record(3), record(2), record(1));
    }

    @Test
    void aTornLastLineIsSkippedAndCutOffSoTheNextRecordStartsCleanly() throws Exception {
        SwitchHistory history = SwitchHistory.open(dataDir);
        history.append(record(1));
        history.append(record(2));
        Path file = dataDir.resolve(SwitchHistory.NAME);
        String whole = Files.readString(file, StandardCharsets.UTF_8);
        // A crash in the middle of the third append: half a line, no newline.
        String third = Files.readString(appendedAlone(record(3)), StandardCharsets.UTF_8);
        Files.writeString(file, third.substring(0, third.length() / 2), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        SwitchHistory reopened = SwitchHistory.open(dataDir);

        assertThat(reopened.newestFirst(0)).containsExactly(record(2), record(1));
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(whole);
        reopened.append(record(4));
        assertThat(SwitchHistory.open(dataDir).newestFirst(0)).containsExactly(record(4), record(2), record(1));
    }

    @Test
    void aCorruptLineInTheMiddleIsSkippedAndTheRestIsRead() throws Exception {
        Path file = dataDir.resolve(SwitchHistory.NAME);
        String one = Files.readString(appendedAlone(record(1)), StandardCharsets.UTF_8);
        String three = Files.readString(appendedAlone(record(3)), StandardCharsets.UTF_8);
        Files.writeString(file, one + "{not json\n\n" + "\u00ff\u0000garbage\n" + three, StandardCharsets.UTF_8);

        SwitchHistory history = SwitchHistory.open(dataDir);

        assertThat(history.newestFirst(0)).containsExactly(record(3), record(1));
    }

    @Test
    void aLastLineThatIsWholeButForItsNewlineIsKept() throws Exception {
        Path file = dataDir.resolve(SwitchHistory.NAME);
        String one = Files.readString(appendedAlone(record(1)), StandardCharsets.UTF_8);
        String two = Files.readString(appendedAlone(record(2)), StandardCharsets.UTF_8);
        Files.writeString(file, one + two.strip(), StandardCharsets.UTF_8);

        SwitchHistory history = SwitchHistory.open(dataDir);
        history.append(record(3));

        assertThat(SwitchHistory.open(dataDir).newestFirst(0)).containsExactly(record(3), record(2), record(1));
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(3);
    }

    @Test
    void onlyTheNewestThousandAreKeptInMemoryWhileTheFileKeepsThemAll() throws Exception {
        StringBuilder lines = new StringBuilder(); // written directly: a thousand fsynced appends take seconds
        for (int i = 1; i <= SwitchHistory.KEPT; i++) {
            lines.append(JsonFormat.printer().omittingInsignificantWhitespace().print(record(i))).append('\n');
        }
        Files.writeString(dataDir.resolve(SwitchHistory.NAME), lines, StandardCharsets.UTF_8);
        SwitchHistory history = SwitchHistory.open(dataDir);
        for (int i = SwitchHistory.KEPT + 1; i <= SwitchHistory.KEPT + 5; i++) {
            history.append(record(i));
        }

        List<SwitchRecord> all = history.newestFirst(Integer.MAX_VALUE);
        assertThat(all).hasSize(SwitchHistory.KEPT).startsWith(record(SwitchHistory.KEPT + 5)).endsWith(record(6));
        assertThat(SwitchHistory.open(dataDir).newestFirst(Integer.MAX_VALUE)).isEqualTo(all);
        assertThat(Files.readAllLines(dataDir.resolve(SwitchHistory.NAME))).hasSize(SwitchHistory.KEPT + 5);
    }

    @Test
    void aMissingDataDirectoryIsCreatedOwnerOnly() throws Exception {
        Path dir = dataDir.resolve("a/b");

        SwitchHistory.open(dir).append(record(1));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(SwitchHistory.open(dir).newestFirst(0)).containsExactly(record(1));
    }

    /** The file one record makes on its own: its line, newline included. */
    private Path appendedAlone(SwitchRecord record) throws Exception {
        Path dir = Files.createTempDirectory(dataDir, "alone");
        SwitchHistory.open(dir).append(record);
        return dir.resolve(SwitchHistory.NAME);
    }

    private static SwitchRecord record(int n) {
        return SwitchRecord.newBuilder()
                .setId("sw-" + n)
                .setRoute("orders")
                .setFrom("10.0.0.2:6379")
                .setTo("10.0.0.3:6379")
                .setMode("switch")
                .setOutcome(Outcome.DONE)
                .setVersion(n)
                .build();
    }
}
