package dev.turnout.dataplane.server;

import dev.turnout.dataplane.config.ConfigHolder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** Refuses connections beyond {@code limits.max-clients} the way Redis does, and counts the rest. */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final byte[] TOO_MANY = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("turnout.counted");

    private final ConfigHolder config;
    private final AtomicInteger connected = new AtomicInteger();

    ConnectionLimiter(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connected.incrementAndGet() > config.get().limits().maxClients()) {
            connected.decrementAndGet();
            ByteBuf error = ctx.alloc().buffer(TOO_MANY.length).writeBytes(TOO_MANY);
            ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        ctx.channel().attr(COUNTED).set(Boolean.TRUE);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel().attr(COUNTED).get() == null) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
            connected.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }

    /** Client connections open now. */
    int connected() {
        return connected.get();
    }
}
