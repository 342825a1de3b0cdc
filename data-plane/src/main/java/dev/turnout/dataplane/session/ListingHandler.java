package dev.turnout.dataplane.session;

import dev.turnout.dataplane.resp.CommandFrame;
import io.netty.buffer.ByteBuf;

/**
 * KEYS, SCAN and PUBSUB: the commands that list or count names across the whole server. A tenant whose upstream
 * connections use its own ACL user may not run them there (a script of the tenant's could otherwise list every
 * tenant's names, since ACL key patterns do not confine them), so the proxy sends the confined form it made of
 * them with the route's own credentials instead (see {@link Session#listingRoute()}). Everyone else: as any
 * command.
 */
final class ListingHandler implements CommandHandler {

    static final ListingHandler INSTANCE = new ListingHandler();

    private ListingHandler() {
    }

    @Override
    public Route route(Session session, CommandFrame frame) {
        return session.listingRoute();
    }

    @Override
    public void dispatch(Session session, CommandFrame frame, ByteBuf buf, int start) {
        session.forward(frame, buf, start, session.listingRoute());
    }
}
