package dev.turnout.dataplane.upstream;

/** A run of commands from one sink sent together, awaiting {@code remaining} replies in order. */
final class InflightEntry {

    final ReplySink sink;
    int remaining;

    InflightEntry(ReplySink sink, int remaining) {
        this.sink = sink;
        this.remaining = remaining;
    }
}
