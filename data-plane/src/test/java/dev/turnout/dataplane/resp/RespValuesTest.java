package dev.turnout.dataplane.resp;

import static dev.turnout.dataplane.resp.RequestParserTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespValuesTest {

    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void everyBufferReleased() {
        alloc.assertAllReleased();
    }

    @Test
    void decodesScalars() {
        assertThat(decode("+OK\r\n")).isEqualTo("OK");
        assertThat(decode("-WRONGPASS invalid username-password pair\r\n"))
                .isEqualTo(new RespError("WRONGPASS invalid username-password pair"));
        assertThat(decode(":-42\r\n")).isEqualTo(-42L);
        assertThat(decode("$5\r\nh\r\nl\0\r\n")).isEqualTo(bytes("h\r\nl\0"));
        assertThat(decode("$0\r\n\r\n")).isEqualTo(new byte[0]);
        assertThat(decode("$-1\r\n")).isNull();
        assertThat(decode("*-1\r\n")).isNull();
        assertThat(decode("_\r\n")).isNull();
        assertThat(decode("#t\r\n")).isEqualTo(true);
        assertThat(decode("#f\r\n")).isEqualTo(false);
        assertThat(decode(",1.5\r\n")).isEqualTo(1.5);
        assertThat(decode(",-2e3\r\n")).isEqualTo(-2000.0);
        assertThat(decode(",inf\r\n")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(decode(",-inf\r\n")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat((Double) decode(",nan\r\n")).isNaN();
        assertThat(decode("(3492890328409238509324850943850943825024385\r\n"))
                .isEqualTo(new BigInteger("3492890328409238509324850943850943825024385"));
        assertThat(decode("!21\r\nSYNTAX invalid syntax\r\n")).isEqualTo(new RespError("SYNTAX invalid syntax"));
        assertThat(decode("=15\r\ntxt:Some string\r\n")).isEqualTo("Some string");
        assertThat(decode("+caf\u00c3\u00a9\r\n")).as("UTF-8").isEqualTo("caf\u00e9");
    }

    @Test
    void namesTheErrorCode() {
        assertThat(new RespError("MOVED 3999 127.0.0.1:6381").code()).isEqualTo("MOVED");
        assertThat(new RespError("NOAUTH").code()).isEqualTo("NOAUTH");
    }

    @Test
    void decodesAggregates() {
        assertThat(decode("*3\r\n+a\r\n:1\r\n*1\r\n$-1\r\n")).isEqualTo(list("a", 1L, list((Object) null)));
        assertThat(decode("~2\r\n+x\r\n+y\r\n")).isEqualTo(List.of("x", "y"));
        assertThat(decode(">3\r\n+message\r\n+ch\r\n+hi\r\n")).isEqualTo(List.of("message", "ch", "hi"));
        assertThat(decode("*0\r\n")).isEqualTo(List.of());
        assertThat(decode("%0\r\n")).isEqualTo(Map.of());
    }

    @Test
    void decodesAHelloReplyIntoAMapWithStringKeys() {
        Object hello = decode("%4\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n"
                + "+id\r\n:7\r\n$7\r\nmodules\r\n*0\r\n");
        assertThat(hello).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) hello;
        assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("server", "proto", "id", "modules"));
        assertThat(map.get("server")).isEqualTo(bytes("redis"));
        assertThat(map.get("proto")).isEqualTo(3L);
        assertThat(map.get("modules")).isEqualTo(List.of());
    }

    @Test
    void skipsAttributes() {
        assertThat(decode("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n")).isEqualTo(List.of(2L));
        assertThat(decode("*2\r\n|1\r\n+ttl\r\n:3\r\n:1\r\n:2\r\n")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void consumesExactlyOneReply() {
        ByteBuf in = alloc.heapBuffer().writeBytes(bytes("*2\r\n:1\r\n:2\r\n+next\r\n"));
        try {
            assertThat(RespValues.decode(in)).isEqualTo(List.of(1L, 2L));
            assertThat(in.readerIndex()).isEqualTo(12);
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsWhatIsNotACompleteReply() {
        assertRejected("?\r\n", "reply type: 0x3f");
        assertRejected("+OK", "incomplete reply");
        assertRejected("$5\r\nab\r\n", "length: 5");
        assertRejected("$2\r\nabcd", "missing CRLF");
        assertRejected("*5\r\n:1\r\n", "count: 5");
        assertRejected("#x\r\n", "boolean: x");
        assertRejected(",abc\r\n", "double: abc");
        assertRejected("=3\r\nabc\r\n", "format prefix");
        assertRejected(":1x\r\n", "value: \"1x\"");
        assertRejected("_x\r\n", "null with content");
    }

    @Test
    void findsTheFirstElementOfAnAggregateCheaply() {
        assertThat(first("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")).isEqualTo("message");
        assertThat(first(">3\r\n$8\r\npmessage\r\n$1\r\np\r\n$2\r\nch\r\n")).isEqualTo("pmessage");
        assertThat(first("~1\r\n+x\r\n")).isEqualTo("x");
        assertThat(first("*2\r\n$0\r\n\r\n:1\r\n")).isEqualTo("");
        assertThat(first("*1\r\n:1\r\n")).isNull();
        assertThat(first("*1\r\n$-1\r\n")).isNull();
        assertThat(first("*0\r\n")).isNull();
        assertThat(first("*-1\r\n")).isNull();
        assertThat(first("$7\r\nmessage\r\n")).isNull();
        assertThat(first("+message\r\n")).isNull();
        assertThat(first("%1\r\n+a\r\n+b\r\n")).isNull();
        assertThat(first("")).isNull();
    }

    @Test
    void looksOnlyWithinTheGivenBytes() {
        ByteBuf buf = alloc.heapBuffer().writeBytes(bytes("xx*2\r\n$7\r\nmessage\r\n+y\r\nzz"));
        try {
            assertThat(RespValues.firstElementAsString(buf, 2, 25)).isEqualTo("message");
            assertThat(RespValues.firstElementAsString(buf, 2, 14)).as("bulk cut short").isNull();
            assertThat(RespValues.firstElementAsString(buf, 2, 4)).as("header cut short").isNull();
            assertThat(RespValues.firstElementAsString(buf, 0, 27)).isNull();
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    private Object decode(String reply) {
        ByteBuf in = alloc.heapBuffer().writeBytes(bytes(reply));
        try {
            Object value = RespValues.decode(in);
            assertThat(in.isReadable()).as("the whole reply is consumed").isFalse();
            return value;
        } finally {
            in.release();
        }
    }

    private void assertRejected(String reply, String messagePart) {
        assertThatThrownBy(() -> decode(reply))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }

    private String first(String reply) {
        ByteBuf buf = alloc.heapBuffer().writeBytes(bytes(reply));
        try {
            return RespValues.firstElementAsString(buf, buf.readerIndex(), buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    private static List<Object> list(Object... elements) {
        return java.util.Arrays.asList(elements);
    }
}
