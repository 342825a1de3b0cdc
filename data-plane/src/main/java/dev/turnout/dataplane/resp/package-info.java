/**
 * RESP, the Redis protocol, as plain state machines over {@link io.netty.buffer.ByteBuf} indices: no
 * Netty handlers here, so every parser is tested directly, at every byte boundary.
 *
 * <p>Start with {@link dev.turnout.dataplane.resp.RequestParser}, which frames one client command at a
 * time (RESP multibulk or inline, accepted and rejected exactly as Redis's {@code networking.c} does)
 * into a reusable {@link dev.turnout.dataplane.resp.CommandFrame} without copying or allocating. Replies
 * coming back from Redis (RESP2 and RESP3) are framed, not decoded, by
 * {@link dev.turnout.dataplane.resp.ReplyFramer}. The few places that must read a reply's content use
 * {@link dev.turnout.dataplane.resp.RespValues}; replies the proxy builds itself are written with
 * {@link dev.turnout.dataplane.resp.RespWriter}. Limits live in
 * {@link dev.turnout.dataplane.resp.ProtocolLimits}.
 *
 * <p>Both parsers share one rule: they never move {@code readerIndex}, and the progress they keep
 * between calls is relative to it, so the caller may move the unconsumed bytes to another buffer
 * between reads.
 */
package dev.turnout.dataplane.resp;
