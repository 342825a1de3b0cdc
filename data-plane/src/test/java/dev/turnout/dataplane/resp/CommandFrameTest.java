package dev.turnout.dataplane.resp;

import static dev.turnout.dataplane.resp.RequestParserTest.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.command.CommandArguments;
import io.netty.buffer.ByteBuf;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandFrameTest {

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final RequestParser parser = new RequestParser();
    private final CommandFrame frame = new CommandFrame();
    private final ByteBuf in = alloc.heapBuffer();

    @AfterEach
    void releaseEverything() {
        frame.reset();
        in.release();
        alloc.assertAllReleased();
    }

    @Test
    void comparesArgumentsIgnoringAsciiCaseOnly() throws Exception {
        parse(multibulk("GeT", "@x", "get", "\u00c9"));
        assertThat(frame.argEqualsIgnoreCase(0, bytes("get"))).isTrue();
        assertThat(frame.argEqualsIgnoreCase(0, bytes("gets"))).isFalse();
        assertThat(frame.argEqualsIgnoreCase(0, bytes("ge"))).isFalse();
        assertThat(frame.argEqualsIgnoreCase(0, bytes("set"))).isFalse();
        assertThat(frame.argEqualsIgnoreCase(1, bytes("`x"))).as("'@' is not '`' in another case").isFalse();
        assertThat(frame.argEqualsIgnoreCase(1, bytes("@x"))).isTrue();
        assertThat(frame.argEqualsIgnoreCase(2, bytes("get"))).isTrue();
        assertThat(frame.argEqualsIgnoreCase(3, bytes("\u00e9"))).as("only ASCII letters fold").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808"})
    void readsRedisIntegers(String text) throws Exception {
        parse(multibulk("EXPIRE", text));
        assertThat(frame.argAsLong(1)).isEqualTo(Long.parseLong(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+1", "01", "-0", "-01", " 1", "1 ", "1a", "1.0", "0x10",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999", "123456789012345678901"})
    void rejectsWhatRedisDoesNotCallAnInteger(String text) throws Exception {
        parse(multibulk("EXPIRE", text));
        assertThatThrownBy(() -> frame.argAsLong(1))
                .isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("expected: a 64-bit integer");
    }

    @Test
    void readsCopiesAndDecodesArguments() throws Exception {
        parse(multibulk("SET", "k\u00e9y", "v"));
        CommandArguments args = frame;
        assertThat(args.argc()).isEqualTo(3);
        assertThat(args.argLength(1)).isEqualTo(4);
        assertThat(args.argByte(1, 1)).isEqualTo((byte) 0xc3);
        assertThat(frame.argAsString(1)).isEqualTo("k\u00e9y");
        ByteBuf copy = alloc.heapBuffer();
        try {
            frame.copyArg(1, copy);
            frame.copyArg(2, copy);
            assertThat(copy.toString(UTF_8)).isEqualTo("k\u00e9yv");
        } finally {
            copy.release();
        }
        assertThatThrownBy(() -> frame.argLength(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> frame.argOffset(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> frame.argByte(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void growsItsArraysForManyArguments() throws Exception {
        String[] args = new String[5000];
        for (int i = 0; i < args.length; i++) {
            args[i] = "arg" + i;
        }
        parse(multibulk(args));
        assertThat(frame.argc()).isEqualTo(5000);
        assertThat(frame.argAsString(4999)).isEqualTo("arg4999");
        in.skipBytes(frame.frameLength());
        parse(multibulk("PING"));
        assertThat(frame.argc()).isEqualTo(1);
        assertThat(frame.argAsString(0)).isEqualTo("PING");
    }

    @Test
    void ownsTheInlineEncodingUntilItIsTaken() throws Exception {
        parse("SET k v\r\n");
        ByteBuf encoding = frame.inlineEncoding();
        assertThat(encoding.toString(UTF_8)).isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
        frame.reset();
        assertThat(encoding.refCnt()).as("released by reset").isZero();
        assertThat(frame.inlineEncoding()).isNull();
        assertThat(frame.argc()).isZero();
    }

    @Test
    void releasesAnUntakenEncodingWhenTheNextCommandBegins() throws Exception {
        parse("PING\r\nPING\r\n");
        ByteBuf first = frame.inlineEncoding();
        in.skipBytes(frame.frameLength());
        parse("");
        assertThat(first.refCnt()).isZero();
        assertThat(frame.inlineEncoding()).isNotNull();
    }

    @Test
    void handsTheInlineEncodingToTheCaller() throws Exception {
        parse("ECHO \"a b\"\r\n");
        ByteBuf taken = frame.takeInlineEncoding();
        try {
            assertThat(frame.inlineEncoding()).isNull();
            assertThat(frame.takeInlineEncoding()).isNull();
            assertThat(frame.source()).isSameAs(taken);
            assertThat(frame.argAsString(1)).isEqualTo("a b");
            frame.reset();
            assertThat(taken.refCnt()).as("the caller's now").isEqualTo(1);
        } finally {
            taken.release();
        }
    }

    @Test
    void describesItself() throws Exception {
        parse(multibulk("PING"));
        assertThat(frame).hasToString("CommandFrame(argc: 1, frameLength: 14, inline: false)");
    }

    private void parse(String input) throws RespProtocolException {
        in.writeBytes(bytes(input));
        assertThat(parser.parse(in, frame, alloc)).isTrue();
    }

    private static String multibulk(String... args) {
        StringBuilder out = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            String latin1 = new String(arg.getBytes(UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
            out.append('$').append(latin1.length()).append("\r\n").append(latin1).append("\r\n");
        }
        return out.toString();
    }
}
