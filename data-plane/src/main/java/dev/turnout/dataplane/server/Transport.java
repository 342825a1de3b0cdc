package dev.turnout.dataplane.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where Linux offers it, NIO elsewhere; the same choice for clients and upstreams. */
record Transport(String name, Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {

    static Transport best() {
        if (Epoll.isAvailable() && !Boolean.getBoolean("turnout.nio")) {
            return new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class);
    }

    EventLoopGroup newGroup(int threads, String prefix) {
        DefaultThreadFactory factory = new DefaultThreadFactory(prefix, false);
        return name.equals("epoll") ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }
}
