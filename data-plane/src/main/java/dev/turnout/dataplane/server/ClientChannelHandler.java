package dev.turnout.dataplane.server;

import dev.turnout.dataplane.io.InboundBuffer;
import dev.turnout.dataplane.resp.CommandFrame;
import dev.turnout.dataplane.resp.ProtocolLimits;
import dev.turnout.dataplane.resp.RequestParser;
import dev.turnout.dataplane.resp.RespProtocolException;
import dev.turnout.dataplane.session.Session;
import dev.turnout.dataplane.session.SessionContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Frames the client's bytes into commands and hands each to the connection's {@link Session}. One per
 * client connection; the frame and the buffer are reused for every command, so parsing allocates nothing.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter {

    private final SessionContext context;
    private final String route;
    private final ProtocolLimits limits;
    private final InboundBuffer inbound = new InboundBuffer();
    private final CommandFrame frame = new CommandFrame();
    private RequestParser parser;
    private Session session;

    ClientChannelHandler(SessionContext context, String route, ProtocolLimits limits) {
        this.context = context;
        this.route = route;
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        parser = new RequestParser(limits);
        session = new Session(ctx.channel(), context, route, new RequestParser(limits));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (session == null || session.isClosing()) {
            in.release();
            return;
        }
        ByteBuf buf = inbound.append(in, ctx.alloc());
        try {
            while (buf.isReadable() && !session.isClosing()) {
                if (!parser.parse(buf, frame, ctx.alloc())) {
                    break;
                }
                int start = buf.readerIndex();
                session.onCommand(frame, buf, start);
                buf.skipBytes(frame.frameLength());
            }
        } catch (RespProtocolException e) {
            buf.skipBytes(buf.readableBytes());
            session.onProtocolError(e);
        } finally {
            session.endOfBatch();
            inbound.compact();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && session != null) {
            session.onClientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && session != null) {
            // Netty fires the first idle event even while a reply is still being written; a client taking
            // in a large reply is not idle. Later events come only if the write made no progress for a whole
            // period: a client that stopped reading is closed one period later.
            ChannelOutboundBuffer output = ctx.channel().unsafe().outboundBuffer();
            if (idle.isFirst() && output != null && output.totalPendingWriteBytes() > 0) {
                return;
            }
            session.onIdleTimeout();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.onClientClosed();
        }
        inbound.release();
        frame.reset();
        if (parser != null) {
            parser.reset();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: the client is gone; nothing to tell it.
        ctx.close();
    }
}
