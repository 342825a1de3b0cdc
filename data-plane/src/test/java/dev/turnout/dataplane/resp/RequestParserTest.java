package dev.turnout.dataplane.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestParserTest {

    private static final ProtocolLimits SMALL_INLINE = new ProtocolLimits(1024, 1000, 8);

    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void everyBufferReleased() {
        alloc.assertAllReleased();
    }

    // ---- multibulk ------------------------------------------------------------------------------

    @Test
    void framesOneMultibulkCommand() {
        assertFrames("*1\r\n$4\r\nPING\r\n", cmd("PING"));
        assertFrames("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", cmd("SET", "key", "value"));
    }

    @Test
    void multibulkArgumentsPointIntoTheInputRelativeToTheCommandStart() throws Exception {
        RequestParser parser = new RequestParser();
        CommandFrame frame = new CommandFrame();
        ByteBuf in = alloc.heapBuffer();
        try {
            in.writeBytes(bytes("xx*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")).skipBytes(2);
            assertThat(parser.parse(in, frame, alloc)).isTrue();
            assertThat(in.readerIndex()).as("readerIndex is not moved").isEqualTo(2);
            assertThat(frame.inline()).isFalse();
            assertThat(frame.inlineEncoding()).isNull();
            assertThat(frame.source()).isSameAs(in);
            assertThat(frame.base()).isEqualTo(2);
            assertThat(frame.argc()).isEqualTo(2);
            assertThat(frame.argOffset(0)).isEqualTo(8);
            assertThat(frame.argLength(0)).isEqualTo(3);
            assertThat(frame.argOffset(1)).isEqualTo(17);
            assertThat(frame.argLength(1)).isEqualTo(1);
            assertThat(frame.frameLength()).isEqualTo(20);
        } finally {
            in.release();
        }
    }

    @Test
    void framesEmptyAndBinaryBulks() {
        assertFrames("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", cmd("ECHO", ""));
        assertFrames("*2\r\n$4\r\nECHO\r\n$6\r\na\r\nb\r\n\r\n", cmd("ECHO", "a\r\nb\r\n"));
        assertFrames("*2\r\n$4\r\nECHO\r\n$4\r\n\0\u00ff*$\r\n", cmd("ECHO", "\0\u00ff*$"));
        assertFrames("*2\r\n$4\r\nECHO\r\n$2\r\n\r\n\r\n", cmd("ECHO", "\r\n"));
    }

    @Test
    void framesPipelinesOfMixedCommands() {
        StringBuilder input = new StringBuilder();
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = "key:" + i;
            switch (i % 4) {
                case 0 -> input.append("*2\r\n$3\r\nGET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n");
                case 1 -> input.append("GET ").append(key).append("\r\n");
                case 2 -> input.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key)
                        .append("\r\n$3\r\na\nb\r\n");
                default -> input.append("SET \"").append(key).append("\" 'a\\'b'\n");
            }
            expected.add(switch (i % 4) {
                case 0, 1 -> List.of("GET", key);
                case 2 -> List.of("SET", key, "a\nb");
                default -> List.of("SET", key, "a'b");
            });
        }
        assertFrames(ProtocolLimits.DEFAULTS, input.toString(), expected);
    }

    @Test
    void framesManyArguments() {
        StringBuilder input = new StringBuilder("*100\r\n$4\r\nMSET\r\n");
        List<String> expected = new ArrayList<>(List.of("MSET"));
        for (int i = 1; i < 100; i++) {
            String arg = "a" + i;
            input.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
            expected.add(arg);
        }
        assertFrames(ProtocolLimits.DEFAULTS, input.toString(), List.of(expected));
    }

    @Test
    void framesLargeBulksWithoutScanningThem() {
        byte[] value = new byte[256 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i % 5 == 0 ? '\r' : i % 7 == 0 ? '\n' : i);
        }
        String header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length + "\r\n";
        byte[] input = concat(bytes(header), value, bytes("\r\n*1\r\n$4\r\nPING\r\n"));
        String expectedValue = new String(value, ISO_8859_1);
        for (Chunking chunking : Chunking.sampled(input.length, 2, header.length(), header.length() + value.length)) {
            Outcome outcome = feed(new RequestParser(), input, chunking);
            assertThat(outcome.error()).as(chunking.toString()).isNull();
            assertThat(outcome.argsOfEach()).as(chunking.toString())
                    .containsExactly(List.of("SET", "k", expectedValue), List.of("PING"));
        }
    }

    @Test
    void resumedParsesDoNotRescanWhatTheyAlreadyFramed() throws Exception {
        byte[] value = new byte[100_000];
        Arrays.fill(value, (byte) 'v');
        StringBuilder inline = new StringBuilder("SET k ");
        inline.append("w".repeat(60_000)).append("\r\n");
        byte[] input = concat(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n"), value, bytes("\r\n"),
                bytes(inline.toString()));
        ScanCountingBuffer in = new ScanCountingBuffer(alloc);
        RequestParser parser = new RequestParser();
        CommandFrame frame = new CommandFrame();
        int framed = 0;
        try {
            for (byte b : input) {
                in.writeByte(b);
                while (parser.parse(in, frame, alloc)) {
                    framed++;
                    in.skipBytes(frame.frameLength());
                }
            }
        } finally {
            in.release();
            frame.reset();
        }
        assertThat(framed).isEqualTo(2);
        // The bulk body is skipped by length; the inline line is searched once for its LF.
        assertThat(in.scannedBytes()).isLessThan(inline.length() + 100);
    }

    @Test
    void skipsEmptyAndNegativeMultibulkCountsLikeRedis() throws Exception {
        assertFrames("*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n", cmd(), cmd(), cmd(), cmd("PING"));
        Framed framed = feedWhole("*0\r\n").framed().get(0);
        assertThat(framed.inline()).isFalse();
        assertThat(framed.frameLength()).isEqualTo(4);
    }

    @Test
    void takesTheTwoBytesAfterAHeaderOrABulkAsTheCrlfUncheckedLikeRedis() {
        // Redis skips them without looking; a stricter proxy would split the stream elsewhere than Redis.
        assertFrames("*1\r\n$4\r\nPINGxx*1\rx$4\rxPINGab", cmd("PING"), cmd("PING"));
    }

    @Test
    void waitsForTheByteAfterAHeaderCrLikeRedis() throws Exception {
        RequestParser parser = new RequestParser();
        CommandFrame frame = new CommandFrame();
        ByteBuf in = alloc.heapBuffer();
        try {
            in.writeBytes(bytes("*1\r"));
            assertThat(parser.parse(in, frame, alloc)).isFalse();
            in.writeBytes(bytes("\n$4\r"));
            assertThat(parser.parse(in, frame, alloc)).isFalse();
            in.writeBytes(bytes("\nPING\r"));
            assertThat(parser.parse(in, frame, alloc)).isFalse();
            in.writeBytes(bytes("\n"));
            assertThat(parser.parse(in, frame, alloc)).isTrue();
            assertThat(frame.argAsString(0)).isEqualTo("PING");
            in.skipBytes(frame.frameLength());
            assertThat(parser.parse(in, frame, alloc)).isFalse();
        } finally {
            in.release();
            frame.reset();
        }
    }

    @Test
    void acceptsHeaderLinesUpToTheInlineLimit() {
        ProtocolLimits limits = new ProtocolLimits(1024, 1000, 3);
        assertFrames(limits, "*2\r\n$10\r\n0123456789\r\n$1\r\na\r\n", cmd("0123456789", "a"));
        assertError(limits, "*1\r\n$100\r\n", "ERR Protocol error: too big bulk count string");
        assertError(limits, "*100\r\n", "ERR Protocol error: too big mbulk count string");
    }

    // ---- inline ---------------------------------------------------------------------------------

    @Test
    void framesInlineCommandsAsAMultibulkEncoding() throws Exception {
        Outcome outcome = feedWhole("SET key \"a b\"\r\n");
        Framed framed = outcome.framed().get(0);
        assertThat(framed.args()).containsExactly("SET", "key", "a b");
        assertThat(framed.inline()).isTrue();
        assertThat(framed.frameLength()).isEqualTo(15);
        assertThat(framed.encoding()).isEqualTo("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\na b\r\n");
        assertThat(framed.argOffsets()).containsExactly(8, 17, 26);
    }

    @Test
    void acceptsInlineLinesEndingInLfOrCrlf() {
        assertFrames("PING\r\nPING\nECHO a\r\r\n", cmd("PING"), cmd("PING"), cmd("ECHO", "a"));
    }

    @Test
    void skipsBlankInlineLinesLikeRedis() throws Exception {
        assertFrames("\r\n\n   \r\n\t \u000b\f\r\r\nPING\r\n", cmd(), cmd(), cmd(), cmd(), cmd("PING"));
        int allocationsBefore = alloc.allocations();
        Framed blank = feedWhole("\r\n").framed().get(0);
        assertThat(blank.inline()).isTrue();
        assertThat(blank.frameLength()).isEqualTo(2);
        assertThat(blank.encoding()).isNull();
        assertThat(alloc.allocations() - allocationsBefore).as("only the input buffer").isEqualTo(1);
    }

    @Test
    void splitsInlineArgumentsLikeSdssplitargs() {
        assertFrames("GET\tkey\r\n", cmd("GET", "key"));
        assertFrames("  GET   key  \r\n", cmd("GET", "key"));
        assertFrames("GET\rkey\r\n", cmd("GET", "key"));
        // \v and \f are blanks between arguments but not inside an unquoted one.
        assertFrames("\u000bGET a\u000bb\fc\r\n", cmd("GET", "a\u000bb\fc"));
        assertFrames("SET k \"\"\r\n", cmd("SET", "k", ""));
        assertFrames("SET k ''\r\n", cmd("SET", "k", ""));
        assertFrames("ECHO \"a\\x41\\x4a\\x4B\\xff\\x00z\"\r\n", cmd("ECHO", "aAJK\u00ff\0z"));
        assertFrames("ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n", cmd("ECHO", "\n\r\t\b\u0007\\\"q"));
        assertFrames("ECHO \"\\xZZ\\x4\"\r\n", cmd("ECHO", "xZZx4"));
        assertFrames("ECHO 'it\\'s' 'a\\nb' 'x\"y'\r\n", cmd("ECHO", "it's", "a\\nb", "x\"y"));
        assertFrames("ECHO \"x'y\"\r\n", cmd("ECHO", "x'y"));
        // A quote may open inside a token, and the token goes on until the quote closes.
        assertFrames("ECHO a\"b c\" d'e f'\r\n", cmd("ECHO", "ab c", "de f"));
        assertFrames("ECHO \"a\"\t'b'\u000b\"c\"\r\n", cmd("ECHO", "a", "b", "c"));
        assertFrames("ECHO \"\\\\\"\r\n", cmd("ECHO", "\\"));
        assertFrames("ECHO a\\nb\r\n", cmd("ECHO", "a\\nb"));
        assertFrames("ECHO \u00e9\0\u00ff\r\n", cmd("ECHO", "\u00e9\0\u00ff"));
    }

    @Test
    void acceptsInlineLinesUpToTheLimit() {
        assertFrames(SMALL_INLINE, "PING AB\r\n", cmd("PING", "AB"));
        assertFrames(SMALL_INLINE, "PING ABC\n", cmd("PING", "ABC"));
    }

    // ---- errors ---------------------------------------------------------------------------------

    @Test
    void rejectsInvalidMultibulkLengths() {
        String invalid = "ERR Protocol error: invalid multibulk length";
        assertError("*abc\r\n", invalid);
        assertError("*\r\n", invalid);
        assertError("*+1\r\n", invalid);
        assertError("*01\r\n", invalid);
        assertError("*-0\r\n", invalid);
        assertError("*1 \r\n", invalid);
        assertError("*3000000000\r\n", invalid);
        assertError("*99999999999999999999\r\n", invalid);
        assertError(new ProtocolLimits(1024, 2, 1024), "*2\r\n$1\r\na\r\n$1\r\nb\r\n*3\r\n", invalid, cmd("a", "b"));
    }

    @Test
    void rejectsInvalidBulkLengths() {
        String invalid = "ERR Protocol error: invalid bulk length";
        assertError("*1\r\n$-1\r\n", invalid);
        assertError("*1\r\n$abc\r\n", invalid);
        assertError("*1\r\n$\r\n", invalid);
        assertError("*1\r\n$04\r\nPING\r\n", invalid);
        assertError("*1\r\n$536870913\r\n", invalid);
        assertError("*1\r\n$99999999999999999999\r\n", invalid);
        assertError(new ProtocolLimits(4, 1000, 1024), "*1\r\n$4\r\nPING\r\n*1\r\n$5\r\n", invalid, cmd("PING"));
        // Redis's own test: "Out of range multibulk payload length".
        assertError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", invalid);
    }

    @Test
    void rejectsAnythingButADollarBeforeABulk() {
        // Redis's own test: "Wrong multibulk payload header".
        assertError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "ERR Protocol error: expected '$', got 'f'");
        assertError("*1\r\n:4\r\n", "ERR Protocol error: expected '$', got ':'");
        assertError("*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '");
        assertError("*1\r\n\u00ff\r\n", "ERR Protocol error: expected '$', got '\u00ff'");
    }

    @Test
    void rejectsHeaderLinesLongerThanTheInlineLimit() {
        assertError(SMALL_INLINE, "*123456789", "ERR Protocol error: too big mbulk count string");
        assertError(SMALL_INLINE, "*12345678\r\n", "ERR Protocol error: too big mbulk count string");
        assertError(SMALL_INLINE, "*1\r\n$12345678", "ERR Protocol error: too big bulk count string");
        assertError(SMALL_INLINE, "*2\r\n$1\r\na\r\nxxxxxxxxx", "ERR Protocol error: too big bulk count string");
    }

    @Test
    void rejectsTooBigMultibulkCountWithRedisDefaults() throws Exception {
        byte[] input = new byte[64 * 1024 + 1];
        Arrays.fill(input, (byte) '1');
        input[0] = '*';
        Outcome outcome = feed(new RequestParser(), input, new Chunking("whole", new int[] {input.length}, false));
        assertThat(outcome.error()).hasMessage("ERR Protocol error: too big mbulk count string");
        input[input.length - 1] = '\r';
        outcome = feed(new RequestParser(), input, new Chunking("whole", new int[] {input.length}, false));
        assertThat(outcome.error()).isNull();
    }

    @Test
    void rejectsInlineLinesLongerThanTheLimit() {
        String tooBig = "ERR Protocol error: too big inline request";
        assertError(SMALL_INLINE, "PING ABCD", tooBig);
        assertError(SMALL_INLINE, "PING ABCD\n", tooBig);
        assertError(SMALL_INLINE, "PING ABC\r\n", tooBig);
        assertError(SMALL_INLINE, "PING\r\nPING ABCD", tooBig, cmd("PING"));
    }

    @Test
    void rejectsUnbalancedQuotes() {
        String unbalanced = "ERR Protocol error: unbalanced quotes in request";
        assertError("ECHO \"foo\r\n", unbalanced);
        assertError("ECHO 'foo\r\n", unbalanced);
        assertError("ECHO \"foo\"bar\r\n", unbalanced);
        assertError("ECHO 'foo'bar\r\n", unbalanced);
        assertError("ECHO \"foo\\\"\r\n", unbalanced);
        assertError("ECHO \"foo\\\r\n", unbalanced);
        assertError("ECHO 'foo\\'\r\n", unbalanced);
        assertError("PING\r\nECHO \"a\" \"b\r\n", unbalanced, cmd("PING"));
    }

    @Test
    void resetsAfterAnErrorSoTheParserCanBeReused() throws Exception {
        RequestParser parser = new RequestParser();
        CommandFrame frame = new CommandFrame();
        ByteBuf in = alloc.heapBuffer();
        try {
            in.writeBytes(bytes("*1\r\n$4\r\nPI"));
            assertThat(parser.parse(in, frame, alloc)).isFalse();
            parser.reset();
            in.clear().writeBytes(bytes("*x\r\n"));
            assertThatThrownBy(() -> parser.parse(in, frame, alloc)).isInstanceOf(RespProtocolException.class);
            in.clear().writeBytes(bytes("ECHO \"x\r\n"));
            assertThatThrownBy(() -> parser.parse(in, frame, alloc)).isInstanceOf(RespProtocolException.class);
            in.clear().writeBytes(bytes("PING\r\n"));
            assertThat(parser.parse(in, frame, alloc)).isTrue();
            assertThat(frame.argAsString(0)).isEqualTo("PING");
        } finally {
            in.release();
            frame.reset();
        }
    }

    @Test
    void refusesToResumeWithAnotherFrame() throws Exception {
        RequestParser parser = new RequestParser();
        CommandFrame frame = new CommandFrame();
        ByteBuf in = alloc.heapBuffer();
        try {
            in.writeBytes(bytes("*1\r\n"));
            assertThat(parser.parse(in, frame, alloc)).isFalse();
            assertThatThrownBy(() -> parser.parse(in, new CommandFrame(), alloc))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expected: the frame passed when this command began");
        } finally {
            in.release();
        }
    }

    @Test
    void returnsFalseOnEmptyInput() throws Exception {
        CommandFrame frame = new CommandFrame();
        ByteBuf in = alloc.heapBuffer();
        try {
            assertThat(new RequestParser().parse(in, frame, alloc)).isFalse();
        } finally {
            in.release();
        }
    }

    // ---- the caller's side, as the proxy does it --------------------------------------------------

    /** Everything a test sees of one framed command. */
    record Framed(List<String> args, List<Integer> argOffsets, boolean inline, int frameLength, String encoding) {
    }

    record Outcome(List<Framed> framed, RespProtocolException error, int leftover) {
        List<List<String>> argsOfEach() {
            return framed.stream().map(Framed::args).toList();
        }
    }

    private void assertFrames(String input, String[]... expected) {
        assertFrames(ProtocolLimits.DEFAULTS, input, commands(expected));
    }

    private void assertFrames(ProtocolLimits limits, String input, String[]... expected) {
        assertFrames(limits, input, commands(expected));
    }

    private void assertFrames(ProtocolLimits limits, String input, List<List<String>> expected) {
        byte[] bytes = bytes(input);
        for (Chunking chunking : Chunking.all(bytes.length)) {
            Outcome outcome = feed(new RequestParser(limits), bytes, chunking);
            assertThat(outcome.error()).as(chunking.toString()).isNull();
            assertThat(outcome.argsOfEach()).as(chunking.toString()).containsExactlyElementsOf(expected);
            assertThat(outcome.leftover()).as(chunking.toString()).isZero();
            assertThat(outcome.framed().stream().mapToInt(Framed::frameLength).sum()).isEqualTo(bytes.length);
        }
    }

    private void assertError(String input, String message, String[]... framedBefore) {
        assertError(ProtocolLimits.DEFAULTS, input, message, framedBefore);
    }

    private void assertError(ProtocolLimits limits, String input, String message, String[]... framedBefore) {
        byte[] bytes = bytes(input);
        for (Chunking chunking : Chunking.all(bytes.length)) {
            Outcome outcome = feed(new RequestParser(limits), bytes, chunking);
            assertThat(outcome.error()).as(chunking + ": " + input).isNotNull().hasMessage(message);
            assertThat(outcome.argsOfEach()).as(chunking.toString()).containsExactlyElementsOf(commands(framedBefore));
        }
    }

    private Outcome feedWhole(String input) throws RespProtocolException {
        byte[] bytes = bytes(input);
        Outcome outcome = feed(new RequestParser(), bytes, new Chunking("whole", new int[] {bytes.length}, false));
        if (outcome.error() != null) {
            throw outcome.error();
        }
        return outcome;
    }

    /**
     * Feeds {@code input} as the proxy does: accumulate, parse until false, consume each frame; with
     * {@link Chunking#move()}, the unconsumed bytes go to a fresh buffer at another index between reads.
     */
    private Outcome feed(RequestParser parser, byte[] input, Chunking chunking) {
        List<Framed> framed = new ArrayList<>();
        CommandFrame frame = new CommandFrame();
        ByteBuf in = alloc.heapBuffer();
        int fed = 0;
        int moves = 0;
        try {
            for (int end : chunking.ends()) {
                in.writeBytes(input, fed, end - fed);
                fed = end;
                while (parser.parse(in, frame, alloc)) {
                    framed.add(capture(frame, in));
                    in.skipBytes(frame.frameLength());
                }
                if (chunking.move()) {
                    moves++;
                    ByteBuf fresh = moves % 2 == 0 ? alloc.heapBuffer() : alloc.directBuffer();
                    int offset = 1 + moves % 7;
                    fresh.writeZero(offset).skipBytes(offset);
                    fresh.writeBytes(in);
                    in.release();
                    in = fresh;
                }
            }
            return new Outcome(framed, null, in.readableBytes());
        } catch (RespProtocolException e) {
            assertThat(frame.argc()).as("the frame is reset on error").isZero();
            return new Outcome(framed, e, in.readableBytes());
        } finally {
            in.release();
            frame.reset();
        }
    }

    private static Framed capture(CommandFrame frame, ByteBuf in) {
        if (frame.inline() && frame.argc() > 0) {
            assertThat(frame.source()).isSameAs(frame.inlineEncoding());
            assertThat(frame.base()).isEqualTo(frame.inlineEncoding().readerIndex());
        } else {
            assertThat(frame.source()).isSameAs(in);
            assertThat(frame.base()).isEqualTo(in.readerIndex());
            assertThat(frame.inlineEncoding()).isNull();
        }
        assertThat(frame.frameLength()).isLessThanOrEqualTo(in.readableBytes());
        List<String> args = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < frame.argc(); i++) {
            byte[] arg = new byte[frame.argLength(i)];
            frame.source().getBytes(frame.base() + frame.argOffset(i), arg);
            for (int pos = 0; pos < Math.min(arg.length, 1024); pos++) {
                if (frame.argByte(i, pos) != arg[pos]) {
                    throw new AssertionError("argByte(" + i + ", " + pos + ") differs from the source's byte");
                }
            }
            args.add(new String(arg, ISO_8859_1));
            offsets.add(frame.argOffset(i));
        }
        String encoding = frame.inlineEncoding() == null ? null : frame.inlineEncoding().toString(ISO_8859_1);
        return new Framed(args, offsets, frame.inline(), frame.frameLength(), encoding);
    }

    private static List<List<String>> commands(String[]... commands) {
        return Arrays.stream(commands).map(List::of).toList();
    }

    private static String[] cmd(String... args) {
        return args;
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
