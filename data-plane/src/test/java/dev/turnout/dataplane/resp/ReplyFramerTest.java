package dev.turnout.dataplane.resp;

import static dev.turnout.dataplane.resp.RequestParserTest.bytes;
import static dev.turnout.dataplane.resp.RequestParserTest.concat;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplyFramerTest {

    private static final long MAX_BULK = ProtocolLimits.DEFAULT_MAX_BULK_LENGTH;

    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void everyBufferReleased() {
        alloc.assertAllReleased();
    }

    @Test
    void framesResp2Replies() {
        assertFrames(reply("+OK\r\n", '+'));
        assertFrames(reply("-ERR unknown command 'FOO'\r\n", '-'));
        assertFrames(reply(":0\r\n", ':'), reply(":-9223372036854775808\r\n", ':'));
        assertFrames(reply("$5\r\nhello\r\n", '$'), reply("$0\r\n\r\n", '$'), reply("$-1\r\n", '$'));
        assertFrames(reply("*-1\r\n", '*'), reply("*0\r\n", '*'));
        assertFrames(reply("*3\r\n$3\r\nfoo\r\n$-1\r\n:42\r\n", '*'));
    }

    @Test
    void framesBulksHoldingCrlfAndBinary() {
        assertFrames(reply("$6\r\na\r\nb\r\n\r\n", '$'), reply("$4\r\n\0\u00ff\r\n\r\n", '$'));
        assertFrames(reply("*2\r\n$2\r\n\r\n\r\n$1\r\n*\r\n", '*'));
    }

    @Test
    void framesResp3Scalars() {
        assertFrames(reply("_\r\n", '_'));
        assertFrames(reply(",3.14\r\n", ','), reply(",inf\r\n", ','), reply(",-nan\r\n", ','));
        assertFrames(reply("#t\r\n", '#'), reply("#f\r\n", '#'));
        assertFrames(reply("(3492890328409238509324850943850943825024385\r\n", '('));
        assertFrames(reply("!21\r\nSYNTAX invalid syntax\r\n", '!'));
        assertFrames(reply("=15\r\ntxt:Some string\r\n", '='));
    }

    @Test
    void framesResp3Aggregates() {
        assertFrames(reply("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n", '%'), reply("%0\r\n", '%'));
        assertFrames(reply("~3\r\n+a\r\n+b\r\n+c\r\n", '~'), reply("~0\r\n", '~'));
        assertFrames(reply(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", '>'));
    }

    @Test
    void framesNestedAggregates() {
        // A map of arrays of sets, then a push of maps.
        assertFrames(
                reply("%2\r\n+a\r\n*2\r\n~2\r\n:1\r\n:2\r\n~0\r\n$1\r\nb\r\n*1\r\n~1\r\n%1\r\n_\r\n#f\r\n", '%'),
                reply(">2\r\n+pubsub\r\n%1\r\n*0\r\n~1\r\n,1.5\r\n", '>'));
    }

    @Test
    void framesAnAttributeAndItsValueAsOneReply() {
        assertFrames(
                reply("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
                        + "*2\r\n:2039123\r\n:9543892\r\n", '*'),
                reply("|0\r\n:1\r\n", ':'),
                reply("|1\r\n+a\r\n+b\r\n|1\r\n+c\r\n+d\r\n$1\r\nx\r\n", '$'));
    }

    @Test
    void framesAttributesInsideAggregatesAndOnAttributeKeys() {
        assertFrames(
                reply("*2\r\n|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n:7\r\n", '*'),
                reply("*1\r\n|1\r\n+a\r\n+b\r\n:1\r\n", '*'),
                reply("|1\r\n|1\r\n+x\r\n+y\r\n+a\r\n+b\r\n#t\r\n", '#'),
                reply("%1\r\n|1\r\n+k\r\n+v\r\n+key\r\n|1\r\n+k\r\n+v\r\n+value\r\n", '%'));
    }

    @Test
    void framesDeepNestingWithoutRecursion() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            deep.append(i % 3 == 0 ? "*1\r\n" : i % 3 == 1 ? "~1\r\n" : "%1\r\n+k\r\n");
        }
        deep.append(":1\r\n");
        byte[] input = bytes(deep.toString());
        for (Chunking chunking : Chunking.sampled(input.length, 3, input.length / 2)) {
            Outcome outcome = feed(new ReplyFramer(MAX_BULK), input, chunking);
            assertThat(outcome.error()).as(chunking.toString()).isNull();
            assertThat(outcome.replies()).as(chunking.toString()).containsExactly(new Reply(deep.toString(), '*'));
        }
    }

    @Test
    void framesLargeBulksWithoutScanningThem() throws Exception {
        byte[] value = new byte[256 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i % 3 == 0 ? '\r' : '\n');
        }
        String header = "*2\r\n$" + value.length + "\r\n";
        byte[] input = concat(bytes(header), value, bytes("\r\n+OK\r\n"));
        Reply expected = new Reply(new String(concat(bytes(header), value, bytes("\r\n")), ISO_8859_1) + "+OK\r\n", '*');
        for (Chunking chunking : Chunking.sampled(input.length, 2, header.length(), header.length() + value.length)) {
            Outcome outcome = feed(new ReplyFramer(MAX_BULK), input, chunking);
            assertThat(outcome.error()).as(chunking.toString()).isNull();
            assertThat(outcome.replies()).as(chunking.toString()).containsExactly(expected);
        }

        ScanCountingBuffer in = new ScanCountingBuffer(alloc);
        ReplyFramer framer = new ReplyFramer(MAX_BULK);
        try {
            int framed = 0;
            for (byte b : input) {
                in.writeByte(b);
                if (framer.frame(in) > 0) {
                    framed++;
                }
            }
            assertThat(framed).isEqualTo(1);
            assertThat(in.scannedBytes()).as("bytes searched for CR").isLessThan(100);
        } finally {
            in.release();
        }
    }

    @Test
    void framesPipelinesOfReplies() {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replies.add(reply("+OK\r\n", '+'));
            replies.add(reply("$" + String.valueOf(i).length() + "\r\n" + i + "\r\n", '$'));
            replies.add(reply(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n:" + i + "\r\n", '>'));
            replies.add(reply("|1\r\n+a\r\n:" + i + "\r\n-ERR " + i + "\r\n", '-'));
        }
        assertFrames(replies.toArray(Reply[]::new));
    }

    @Test
    void rejectsBytesThatAreNotResp() {
        assertError("HTTP/1.1 400 Bad Request\r\n", "reply type: 'H' at offset 0 (expected: one of + - : $ * _ , # ( ! = % ~ > |)");
        assertError("*2\r\n:1\r\n\0\r\n", "reply type: 0x00 at offset 8 (expected: one of + - : $ * _ , # ( ! = % ~ > |)");
        assertError("$?\r\n;4\r\nHell\r\n;0\r\n", "'$' length: value: \"?\" (expected: a 64-bit integer, digits after an optional '-', no leading zero)");
        assertError("*abc\r\n", "'*' length: value: \"abc\" (expected: a 64-bit integer, digits after an optional '-', no leading zero)");
        assertError("+OK\rX\r\n", "line at offset 0 ends with CR but no LF");
        assertError("$5\r\nhelloXX", "bulk string of 5 bytes at offset 4 is not followed by CRLF");
        assertError("$-2\r\n", "bulk length: -2 (expected: 0-536870912)");
        assertError("!-1\r\n", "bulk length: -1 (expected: 0-536870912)");
        assertError("*-2\r\n", "'*' count: -2 (expected: >= 0)");
        assertError("%-1\r\n", "'%' count: -1 (expected: >= 0)");
        assertError("$536870913\r\n", "bulk length: 536870913 (expected: 0-536870912)");
    }

    @Test
    void appliesItsBulkLimit() throws Exception {
        byte[] input = bytes("$4\r\nabcd\r\n$5\r\nabcde\r\n");
        Outcome outcome = feed(new ReplyFramer(4), input, new Chunking("whole", new int[] {input.length}, false));
        assertThat(outcome.replies()).containsExactly(new Reply("$4\r\nabcd\r\n", '$'));
        assertThat(outcome.error()).hasMessage("bulk length: 5 (expected: 0-4)");
        assertThatThrownBy(() -> new ReplyFramer(0)).hasMessage("maxBulkLength: 0 (expected: 1-2147483647)");
    }

    @Test
    void resetsAfterAnError() throws Exception {
        ReplyFramer framer = new ReplyFramer(MAX_BULK);
        ByteBuf in = alloc.heapBuffer();
        try {
            in.writeBytes(bytes("*2\r\n:1\r\n?\r\n"));
            assertThatThrownBy(() -> framer.frame(in)).isInstanceOf(RespProtocolException.class);
            in.clear().writeBytes(bytes(":1\r\n"));
            assertThat(framer.frame(in)).isEqualTo(4);
            assertThat(framer.lastType()).isEqualTo((byte) ':');
        } finally {
            in.release();
        }
    }

    @Test
    void doesNotMoveTheReaderIndex() throws Exception {
        ReplyFramer framer = new ReplyFramer(MAX_BULK);
        ByteBuf in = alloc.heapBuffer();
        try {
            in.writeBytes(bytes("+OK\r\n:1\r\n"));
            assertThat(framer.frame(in)).isEqualTo(5);
            assertThat(framer.frame(in)).as("the same reply again").isEqualTo(5);
            assertThat(in.readerIndex()).isZero();
            in.skipBytes(5);
            assertThat(framer.frame(in)).isEqualTo(4);
            in.skipBytes(4);
            assertThat(framer.frame(in)).isEqualTo(-1);
        } finally {
            in.release();
        }
    }

    // ---- the caller's side ----------------------------------------------------------------------

    /** One reply: its bytes and the type {@link ReplyFramer#lastType()} should report. */
    record Reply(String text, char type) {
    }

    record Outcome(List<Reply> replies, RespProtocolException error) {
    }

    private static Reply reply(String text, char type) {
        return new Reply(text, type);
    }

    /** Each reply alone, then all of them as one pipeline, every way {@link Chunking#all} feeds them. */
    private void assertFrames(Reply... replies) {
        for (Reply reply : replies) {
            assertFrames(List.of(reply));
        }
        if (replies.length > 1) {
            assertFrames(List.of(replies));
        }
    }

    private void assertFrames(List<Reply> expected) {
        StringBuilder pipeline = new StringBuilder();
        expected.forEach(reply -> pipeline.append(reply.text()));
        byte[] input = bytes(pipeline.toString());
        for (Chunking chunking : Chunking.all(input.length)) {
            Outcome outcome = feed(new ReplyFramer(MAX_BULK), input, chunking);
            assertThat(outcome.error()).as(chunking.toString()).isNull();
            assertThat(outcome.replies()).as(chunking.toString()).containsExactlyElementsOf(expected);
        }
    }

    private void assertError(String input, String message) {
        byte[] bytes = bytes(input);
        for (Chunking chunking : Chunking.all(bytes.length)) {
            Outcome outcome = feed(new ReplyFramer(MAX_BULK), bytes, chunking);
            assertThat(outcome.error()).as(chunking + ": " + input).isNotNull().hasMessage(message);
        }
    }

    /** Feeds {@code input} as an upstream connection does: accumulate, frame until -1, consume. */
    private Outcome feed(ReplyFramer framer, byte[] input, Chunking chunking) {
        List<Reply> replies = new ArrayList<>();
        ByteBuf in = alloc.heapBuffer();
        int fed = 0;
        int moves = 0;
        try {
            for (int end : chunking.ends()) {
                in.writeBytes(input, fed, end - fed);
                fed = end;
                for (int length = framer.frame(in); length > 0; length = framer.frame(in)) {
                    assertThat(length).isLessThanOrEqualTo(in.readableBytes());
                    replies.add(new Reply(in.toString(in.readerIndex(), length, ISO_8859_1), (char) framer.lastType()));
                    in.skipBytes(length);
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
            assertThat(in.readableBytes()).as("unframed bytes left").isZero();
            return new Outcome(replies, null);
        } catch (RespProtocolException e) {
            return new Outcome(replies, e);
        } finally {
            in.release();
        }
    }
}
