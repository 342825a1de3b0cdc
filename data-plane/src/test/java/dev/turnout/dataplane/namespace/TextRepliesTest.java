package dev.turnout.dataplane.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link TextReplies}: INFO without the keyspace counts, quoted keys in errors without the prefix. */
class TextRepliesTest {

    private static final Namespace ALICE = Namespace.of("alice:");

    private static String rewrite(ReplyShape shape, String reply) {
        ByteBuf in = Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8);
        ByteBuf out = shape.rewrite(in, 1, ALICE, UnpooledByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static String bulk(char type, String text) {
        return type + Integer.toString(text.length()) + "\r\n" + text + "\r\n";
    }

    @Test
    void infoLosesTheKeyspaceCountsInBulkAndVerbatimStrings() {
        String info = "# Server\r\nredis_version:7.0.15\r\n\r\n# Keyspace\r\ndb0:keys=7,expires=0,avg_ttl=0\r\n"
                + "db12:keys=1,expires=0,avg_ttl=0\r\n";
        String without = "# Server\r\nredis_version:7.0.15\r\n\r\n# Keyspace\r\n";
        assertThat(rewrite(TextReplies.INFO, bulk('$', info))).isEqualTo(bulk('$', without));
        assertThat(rewrite(TextReplies.INFO, bulk('=', "txt:" + info))).isEqualTo(bulk('=', "txt:" + without));
        assertThat(rewrite(TextReplies.INFO, bulk('$', "# Keyspace\r\n"))).isEqualTo(bulk('$', "# Keyspace\r\n"));
        assertThat(rewrite(TextReplies.INFO, bulk('$', "dbx:1\r\ndb:2\r\n"))).isEqualTo(bulk('$', "dbx:1\r\ndb:2\r\n"));
        assertThat(rewrite(TextReplies.INFO, "-ERR no\r\n")).isEqualTo("-ERR no\r\n");
    }

    @Test
    void quotedKeysInErrorsLoseThePrefixAndOtherRepliesKeepTheirShape() {
        ReplyShape shape = TextReplies.keyQuotedInError(ReplyShape.NAMES);
        assertThat(rewrite(shape, "-NOGROUP No such key 'alice:s' or consumer group 'g'\r\n"))
                .isEqualTo("-NOGROUP No such key 's' or consumer group 'g'\r\n");
        assertThat(rewrite(shape, "-NOGROUP No such consumer group 'alice:' for key name 'alice:alice:s'\r\n"))
                .isEqualTo("-NOGROUP No such consumer group '' for key name 'alice:s'\r\n");
        assertThat(rewrite(shape, "-ERR it's\r\n")).isEqualTo("-ERR it's\r\n");
        assertThat(rewrite(shape, "*1\r\n$7\r\nalice:k\r\n")).isEqualTo("*1\r\n$1\r\nk\r\n");
    }
}
