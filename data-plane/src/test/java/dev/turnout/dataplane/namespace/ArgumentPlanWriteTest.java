package dev.turnout.dataplane.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ArgumentPlan#write}: the command goes upstream byte for byte as the canonical RESP encoding of its confined
 * arguments (what writing every argument anew produced), though it copies the runs of kept arguments as they are.
 * Lengths around a change in their number of digits, empty and binary names, large values, inline commands, a
 * command that is not the first in its buffer and a run already in the output are covered, and the output is never
 * longer than {@link ArgumentPlan#longestWrite} said.
 */
class ArgumentPlanWriteTest {

    private static final Namespace ALICE = Namespace.of("alice:");
    private static NamespaceRules rules;

    @BeforeAll
    static void load() {
        rules = new NamespaceRules(CommandTable.loadDefault());
    }

    @Test
    void keysTakeThePrefixAndEverythingElseIsTheClientsBytes() throws Exception {
        assertWritten(List.of("SET", "k", "v"), List.of("SET", "alice:k", "v"));
        assertWritten(List.of("get", "abc"), List.of("get", "alice:abc"));
        // "alice:" + 3 bytes is 9 (one digit), + 4 bytes is 10 (two); 94 and 95 cross into three digits.
        assertWritten(List.of("MSET", "abc", "1", "abcd", "22", "x".repeat(94), "", "x".repeat(95), "v"),
                List.of("MSET", "alice:abc", "1", "alice:abcd", "22", "alice:" + "x".repeat(94), "",
                        "alice:" + "x".repeat(95), "v"));
        assertWritten(List.of("MGET", "", "a\r\nb", "c"), List.of("MGET", "alice:", "alice:a\r\nb", "alice:c"));
        assertWritten(List.of("SET", "k", "v".repeat(70_000), "EX", "10"),
                List.of("SET", "alice:k", "v".repeat(70_000), "EX", "10"));
        assertWritten(List.of("ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"),
                List.of("ZUNIONSTORE", "alice:dst", "2", "alice:a", "alice:b", "WEIGHTS", "1", "2"));
        assertWritten(List.of("EVAL", "return 1", "2", "k1", "k2", "arg"),
                List.of("EVAL", "return 1", "2", "alice:k1", "alice:k2", "arg"));
        assertWritten(List.of("PING"), List.of("PING"));
    }

    @Test
    void msetOfTenKeysAsRedisBenchmarkSendsIt() throws Exception {
        List<String> args = new ArrayList<>(List.of("MSET"));
        List<String> confined = new ArrayList<>(List.of("MSET"));
        for (int i = 0; i < 10; i++) {
            args.add("key:{tag}:00000000" + i);
            args.add("VXK");
            confined.add("alice:key:{tag}:00000000" + i);
            confined.add("VXK");
        }
        assertWritten(args, confined);
    }

    @Test
    void aLongCommandIsCopiedStraightFromTheClientsBuffer() throws Exception {
        // Around the longest command assembled in RewriteArrays (4096 bytes: 166 keys here).
        for (int keys : new int[] {100, 165, 166, 167, 400}) {
            List<String> args = new ArrayList<>(List.of("MSET"));
            List<String> confined = new ArrayList<>(List.of("MSET"));
            for (int i = 0; i < keys; i++) {
                args.add("key:" + i);
                args.add("v".repeat(i % 13));
                confined.add("alice:key:" + i);
                confined.add("v".repeat(i % 13));
            }
            assertWritten(args, confined);
        }
        // Short, but too many prefixes for RewriteArrays' output.
        List<String> args = new ArrayList<>(List.of("MGET"));
        List<String> confined = new ArrayList<>(List.of("MGET"));
        for (int i = 0; i < 500; i++) {
            args.add("k");
            confined.add("alice:k");
        }
        assertWritten(args, confined);
    }

    @Test
    void patternsTakeTheEscapedPrefixAndAddedArgumentsFollow() throws Exception {
        Namespace starred = Namespace.of("te*m:");
        assertWritten(starred, List.of("KEYS", "a*"), List.of("KEYS", "te\\*m:a*"));
        assertWritten(List.of("SCAN", "0"), List.of("SCAN", "0", "MATCH", "alice:*"));
        assertWritten(List.of("SCAN", "0", "COUNT", "5", "MATCH", "u*"),
                List.of("SCAN", "0", "COUNT", "5", "MATCH", "alice:u*"));
        assertWritten(List.of("PSUBSCRIBE", "n*", "m?"), List.of("PSUBSCRIBE", "alice:n*", "alice:m?"));
    }

    @Test
    void anInlineCommandGoesAsItsEncoding() throws Exception {
        ByteBuf in = Unpooled.copiedBuffer("mset a 1 bb \"two words\"\r\n", StandardCharsets.UTF_8);
        assertThat(write(ALICE, in, Unpooled.buffer(0))).isEqualTo(encode(List.of("mset", "alice:a", "1",
                "alice:bb", "two words")));
    }

    @Test
    void aCommandAfterAnotherInTheBufferIsAppendedToTheRun() throws Exception {
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(encode(List.of("GET", "first")).getBytes(StandardCharsets.ISO_8859_1));
        in.writeBytes(encode(List.of("MSET", "a", "1", "b", "2")).getBytes(StandardCharsets.ISO_8859_1));
        CommandFrame frame = new CommandFrame();
        RequestParser parser = new RequestParser();
        ByteBuf out = Unpooled.buffer(4);
        ArgumentPlan plan = new ArgumentPlan();
        try {
            for (int command = 0; command < 2; command++) {
                assertThat(parser.parse(in, frame, UnpooledByteBufAllocator.DEFAULT)).isTrue();
                rules.plan(frame, plan);
                plan.write(frame, ALICE, out);
                in.skipBytes(frame.frameLength());
                frame.reset();
            }
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(
                    encode(List.of("GET", "alice:first")) + encode(List.of("MSET", "alice:a", "1", "alice:b", "2")));
        } finally {
            in.release();
            out.release();
        }
    }

    private static void assertWritten(List<String> args, List<String> confined) throws Exception {
        assertWritten(ALICE, args, confined);
    }

    private static void assertWritten(Namespace namespace, List<String> args, List<String> confined)
            throws Exception {
        ByteBuf in = Unpooled.copiedBuffer(encode(args), StandardCharsets.ISO_8859_1);
        assertThat(write(namespace, in, Unpooled.buffer(1))).isEqualTo(encode(confined));
    }

    /** Parses the one command in {@code in}, plans and writes it into {@code out}; releases both. */
    private static String write(Namespace namespace, ByteBuf in, ByteBuf out) throws Exception {
        CommandFrame frame = new CommandFrame();
        try {
            assertThat(new RequestParser().parse(in, frame, UnpooledByteBufAllocator.DEFAULT)).isTrue();
            ArgumentPlan plan = new ArgumentPlan();
            rules.plan(frame, plan);
            assertThat(plan.refusal()).isNull();
            plan.write(frame, namespace, out);
            assertThat(out.readableBytes()).isLessThanOrEqualTo(plan.longestWrite(frame, namespace));
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            frame.reset();
            in.release();
            out.release();
        }
    }

    /** The canonical RESP multibulk of {@code args}, one byte per char (ISO-8859-1 throughout). */
    private static String encode(List<String> args) {
        StringBuilder resp = new StringBuilder("*").append(args.size()).append("\r\n");
        for (String arg : args) {
            resp.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return resp.toString();
    }
}
