package dev.turnout.controlplane;

/** Desired-state documents the tests apply. */
final class Documents {

    static final String PASSWORD = "s3cret-Pa55word-9e41";

    /** One listener on the route "orders", whose upstream needs a user and {@link #PASSWORD}. */
    static final String ORDERS = """
            listeners:
              - listen: 127.0.0.1:6390
                route: orders
            routes:
              orders:
                upstream: 127.0.0.1:6379
                user: app
                password: %s
            """.formatted(PASSWORD);

    private Documents() {
    }

    /** {@link #ORDERS} with another upstream, the password given as {@code password}. */
    static String orders(String upstream, String password) {
        return ORDERS.replace("127.0.0.1:6379", upstream).replace(PASSWORD, password);
    }
}
