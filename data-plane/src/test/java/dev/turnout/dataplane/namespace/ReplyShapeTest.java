package dev.turnout.dataplane.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link ReplyShape}: names lose the prefix, everything else is copied byte for byte, in RESP2 and RESP3. */
class ReplyShapeTest {

    private static final Namespace ALICE = Namespace.of("alice:");

    private static String rewrite(ReplyShape shape, String replies, int count) {
        ByteBuf in = Unpooled.copiedBuffer(replies, StandardCharsets.UTF_8);
        ByteBuf out = shape.rewrite(in, count, ALICE, UnpooledByteBufAllocator.DEFAULT);
        try {
            assertThat(in.refCnt()).isZero();
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void namesLoseThePrefixAndOtherValuesAreCopied() {
        assertThat(rewrite(ReplyShape.NAME, "$7\r\nalice:k\r\n", 1)).isEqualTo("$1\r\nk\r\n");
        assertThat(rewrite(ReplyShape.NAME, "$6\r\nalice:\r\n", 1)).isEqualTo("$0\r\n\r\n");
        assertThat(rewrite(ReplyShape.NAME, "$-1\r\n", 1)).isEqualTo("$-1\r\n");
        assertThat(rewrite(ReplyShape.NAME, "_\r\n", 1)).isEqualTo("_\r\n");
        assertThat(rewrite(ReplyShape.NAME, "-ERR no\r\n", 1)).isEqualTo("-ERR no\r\n");
        // Not in the namespace (it cannot happen upstream): left as it is rather than cut.
        assertThat(rewrite(ReplyShape.NAME, "$5\r\nbob:k\r\n", 1)).isEqualTo("$5\r\nbob:k\r\n");
    }

    @Test
    void keysScanAndPops() {
        assertThat(rewrite(ReplyShape.NAMES, "*2\r\n$7\r\nalice:a\r\n$8\r\nalice:bc\r\n", 1))
                .isEqualTo("*2\r\n$1\r\na\r\n$2\r\nbc\r\n");
        assertThat(rewrite(ReplyShape.SCAN, "*2\r\n$2\r\n17\r\n*1\r\n$7\r\nalice:a\r\n", 1))
                .isEqualTo("*2\r\n$2\r\n17\r\n*1\r\n$1\r\na\r\n");
        assertThat(rewrite(ReplyShape.FIRST_NAME, "*2\r\n$7\r\nalice:q\r\n$7\r\nalice:v\r\n", 1))
                .isEqualTo("*2\r\n$1\r\nq\r\n$7\r\nalice:v\r\n");
        assertThat(rewrite(ReplyShape.FIRST_NAME, "*-1\r\n", 1)).isEqualTo("*-1\r\n");
    }

    @Test
    void streamsInResp2AndResp3() {
        String entries = "*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n";
        assertThat(rewrite(ReplyShape.STREAMS, "*1\r\n*2\r\n$7\r\nalice:s\r\n" + entries, 1))
                .isEqualTo("*1\r\n*2\r\n$1\r\ns\r\n" + entries);
        assertThat(rewrite(ReplyShape.STREAMS, "%1\r\n$7\r\nalice:s\r\n" + entries, 1))
                .isEqualTo("%1\r\n$1\r\ns\r\n" + entries);
    }

    @Test
    void pubSubFramesAndInvalidations() {
        assertThat(rewrite(ReplyShape.PUBSUB, ">3\r\n$7\r\nmessage\r\n$8\r\nalice:ch\r\n$2\r\nhi\r\n", 1))
                .isEqualTo(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        assertThat(rewrite(ReplyShape.PUBSUB,
                "*4\r\n$8\r\npmessage\r\n$8\r\nalice:c*\r\n$8\r\nalice:ch\r\n$2\r\nhi\r\n", 1))
                .isEqualTo("*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        assertThat(rewrite(ReplyShape.PUBSUB, "*3\r\n$9\r\nsubscribe\r\n$8\r\nalice:ch\r\n:1\r\n"
                + "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", 2))
                .isEqualTo("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
        assertThat(rewrite(ReplyShape.PUBSUB, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nalice:k\r\n", 1))
                .isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
        assertThat(rewrite(ReplyShape.PUBSUB, ">2\r\n$10\r\ninvalidate\r\n_\r\n", 1))
                .isEqualTo(">2\r\n$10\r\ninvalidate\r\n_\r\n");
        assertThat(rewrite(ReplyShape.PUBSUB, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", 1))
                .isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    }

    @Test
    void execRepliesTakeEachQueuedCommandsShapeAndAttributesAreKept() {
        ReplyShape exec = ReplyShape.elements(ReplyShape.NAMES, null, ReplyShape.NAME);
        assertThat(rewrite(exec, "*3\r\n*1\r\n$7\r\nalice:a\r\n$7\r\nalice:v\r\n$7\r\nalice:r\r\n", 1))
                .isEqualTo("*3\r\n*1\r\n$1\r\na\r\n$7\r\nalice:v\r\n$1\r\nr\r\n");
        assertThat(rewrite(exec, "*-1\r\n", 1)).isEqualTo("*-1\r\n");
        assertThat(rewrite(ReplyShape.NAMES, "|1\r\n+a\r\n:1\r\n*1\r\n$7\r\nalice:a\r\n", 1))
                .isEqualTo("|1\r\n+a\r\n:1\r\n*1\r\n$1\r\na\r\n");
        assertThat(rewrite(ReplyShape.COUNTS_BY_NAME, "%1\r\n$8\r\nalice:ch\r\n:2\r\n", 1))
                .isEqualTo("%1\r\n$2\r\nch\r\n:2\r\n");
    }

    @Test
    void aPrefixWithGlobCharactersIsEscapedInPatterns() {
        Namespace odd = Namespace.of("a*b?[c]\\:");
        assertThat(new String(odd.everything(), StandardCharsets.UTF_8)).isEqualTo("a\\*b\\?\\[c\\]\\\\:*");
        assertThat(Namespace.of("")).isNull();
    }
}
