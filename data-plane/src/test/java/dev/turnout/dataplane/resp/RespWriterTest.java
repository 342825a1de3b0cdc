package dev.turnout.dataplane.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespWriterTest {

    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void everyBufferReleased() {
        alloc.assertAllReleased();
    }

    @Test
    void writesConstantReplies() {
        assertThat(written(RespWriter::ok)).isEqualTo("+OK\r\n");
        assertThat(written(RespWriter::pong)).isEqualTo("+PONG\r\n");
        assertThat(written(RespWriter::queued)).isEqualTo("+QUEUED\r\n");
    }

    @Test
    void writesSimpleStringsAndErrorsOnOneLine() {
        assertThat(written(out -> RespWriter.simpleString(out, "a\r\nb"))).isEqualTo("+a  b\r\n");
        assertThat(written(out -> RespWriter.error(out, "ERR unknown command 'x\ny'")))
                .isEqualTo("-ERR unknown command 'x y'\r\n");
        assertThat(written(out -> RespWriter.error(out, "ERR caf\u00e9"))).isEqualTo("-ERR caf\u00c3\u00a9\r\n");
        assertThat(written(out -> RespWriter.error(out, ""))).isEqualTo("-\r\n");
    }

    @Test
    void writesIntegers() {
        assertThat(written(out -> RespWriter.integer(out, 0))).isEqualTo(":0\r\n");
        assertThat(written(out -> RespWriter.integer(out, -1))).isEqualTo(":-1\r\n");
        assertThat(written(out -> RespWriter.integer(out, 1234567890123L))).isEqualTo(":1234567890123\r\n");
        assertThat(written(out -> RespWriter.integer(out, Long.MAX_VALUE))).isEqualTo(":9223372036854775807\r\n");
        assertThat(written(out -> RespWriter.integer(out, Long.MIN_VALUE))).isEqualTo(":-9223372036854775808\r\n");
    }

    @Test
    void writesBulks() {
        assertThat(written(out -> RespWriter.bulk(out, new byte[] {'\r', '\n', 0}))).isEqualTo("$3\r\n\r\n\0\r\n");
        assertThat(written(out -> RespWriter.bulk(out, new byte[0]))).isEqualTo("$0\r\n\r\n");
        assertThat(written(out -> RespWriter.bulk(out, "h\u00e9llo"))).isEqualTo("$6\r\nh\u00c3\u00a9llo\r\n");
        assertThat(written(out -> RespWriter.bulk(out, new StringBuilder("ab")))).isEqualTo("$2\r\nab\r\n");
        ByteBuf src = alloc.heapBuffer().writeBytes("xxkeyxx".getBytes(ISO_8859_1));
        try {
            assertThat(written(out -> RespWriter.bulk(out, src, 2, 3))).isEqualTo("$3\r\nkey\r\n");
            assertThat(src.readerIndex()).isZero();
        } finally {
            src.release();
        }
    }

    @Test
    void writesNullsAndHeadersForEachProtocol() {
        assertThat(written(out -> RespWriter.nullBulk(out, 2))).isEqualTo("$-1\r\n");
        assertThat(written(out -> RespWriter.nullBulk(out, 3))).isEqualTo("_\r\n");
        assertThat(written(out -> RespWriter.nullArray(out, 2))).isEqualTo("*-1\r\n");
        assertThat(written(out -> RespWriter.nullArray(out, 3))).isEqualTo("_\r\n");
        assertThat(written(out -> RespWriter.arrayHeader(out, 3))).isEqualTo("*3\r\n");
        assertThat(written(out -> RespWriter.mapHeader(out, 2, 3))).isEqualTo("%2\r\n");
        assertThat(written(out -> RespWriter.mapHeader(out, 2, 2))).isEqualTo("*4\r\n");
        assertThat(written(out -> RespWriter.pushHeader(out, 3, 3))).isEqualTo(">3\r\n");
        assertThat(written(out -> RespWriter.pushHeader(out, 3, 2))).isEqualTo("*3\r\n");
    }

    @Test
    void rejectsUnknownProtocolsAndNegativeCounts() {
        assertThatThrownBy(() -> written(out -> RespWriter.nullBulk(out, 1)))
                .hasMessage("protocol: 1 (expected: 2 or 3)");
        assertThatThrownBy(() -> written(out -> RespWriter.mapHeader(out, 1, 4)))
                .hasMessage("protocol: 4 (expected: 2 or 3)");
        assertThatThrownBy(() -> written(out -> RespWriter.arrayHeader(out, -1)))
                .hasMessage("n: -1 (expected: >= 0)");
    }

    @Test
    void writesCommandsRedisCanParse() throws Exception {
        assertThat(written(out -> RespWriter.command(out, "AUTH", "user", "p\u00e4ss")))
                .isEqualTo("*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$5\r\np\u00c3\u00a4ss\r\n");
        ByteBuf out = alloc.heapBuffer();
        CommandFrame frame = new CommandFrame();
        try {
            RespWriter.command(out, "HELLO".getBytes(UTF_8), new byte[] {'\r', '\n'}, new byte[0]);
            assertThat(new RequestParser().parse(out, frame, alloc)).isTrue();
            assertThat(frame.frameLength()).isEqualTo(out.readableBytes());
            assertThat(frame.argc()).isEqualTo(3);
            assertThat(frame.argAsString(0)).isEqualTo("HELLO");
            assertThat(frame.argAsString(1)).isEqualTo("\r\n");
            assertThat(frame.argLength(2)).isZero();
        } finally {
            frame.reset();
            out.release();
        }
    }

    @Test
    void writesRepliesTheFramerAndDecoderRead() throws Exception {
        ByteBuf out = alloc.heapBuffer();
        try {
            RespWriter.mapHeader(out, 2, 3);
            RespWriter.bulk(out, "server");
            RespWriter.simpleString(out, "turnout");
            RespWriter.simpleString(out, "proto");
            RespWriter.integer(out, 3);
            RespWriter.pushHeader(out, 2, 3);
            RespWriter.bulk(out, "message");
            RespWriter.nullBulk(out, 3);

            ReplyFramer framer = new ReplyFramer(1024);
            int first = framer.frame(out);
            assertThat(framer.lastType()).isEqualTo((byte) '%');
            assertThat(RespValues.decode(out.readSlice(first))).isEqualTo(Map.of("server", "turnout", "proto", 3L));
            int second = framer.frame(out);
            assertThat(framer.lastType()).isEqualTo((byte) '>');
            assertThat(RespValues.firstElementAsString(out, out.readerIndex(), second)).isEqualTo("message");
            List<?> push = (List<?>) RespValues.decode(out);
            assertThat(push).hasSize(2);
            assertThat((byte[]) push.get(0)).isEqualTo("message".getBytes(UTF_8));
            assertThat(push.get(1)).isNull();
            assertThat(out.isReadable()).isFalse();
        } finally {
            out.release();
        }
    }

    private String written(Consumer<ByteBuf> writer) {
        ByteBuf out = alloc.heapBuffer();
        try {
            writer.accept(out);
            return out.toString(ISO_8859_1);
        } finally {
            out.release();
        }
    }
}
