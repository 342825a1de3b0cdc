package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/**
 * What the proxy does with one kind of command. {@link #route} is asked first and must not change any
 * state, because a command that cannot run yet is held and asked again later; {@link #dispatch} then runs
 * it once.
 */
interface CommandHandler {

    Route route(Session session, CommandFrame frame);

    /**
     * Runs the command: forwards it ({@link Session#forward}) or replies locally ({@link Session#reply}).
     *
     * @param buf   the buffer holding the command's bytes (for a multibulk frame)
     * @param start the absolute index where the command starts in {@code buf}
     */
    void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start);
}
