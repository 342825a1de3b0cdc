package dev.turnout.dataplane.command;

/** How many keys follow the begin-search position: the {@code find_keys} part of a Redis key spec. */
public sealed interface FindKeys permits FindKeys.Range, FindKeys.KeyNum, FindKeys.Unknown {

    /** The spec that Redis reports as {@code unknown}. */
    Unknown UNKNOWN = new Unknown();

    /**
     * Keys from the begin-search position to {@code lastKey} (relative to it when {@code >= 0};
     * counted from the end of the arguments when negative), every {@code step} arguments. With a
     * negative {@code lastKey} and a {@code limit > 0}, only {@code 1/limit} of the remaining
     * arguments are keys (XREAD's {@code STREAMS k1 k2 id1 id2}).
     */
    record Range(int lastKey, int step, int limit) implements FindKeys {
        public Range {
            if (step < 1) {
                throw new IllegalArgumentException("step: " + step + " (expected: >= 1)");
            }
            if (limit < 0) {
                throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
            }
        }
    }

    /**
     * The number of keys is the argument at {@code keyNumIndex} (relative to the begin-search
     * position); the first key is at {@code firstKey} (also relative), then every {@code step}.
     */
    record KeyNum(int keyNumIndex, int firstKey, int step) implements FindKeys {
        public KeyNum {
            if (keyNumIndex < 0) {
                throw new IllegalArgumentException("keynumidx: " + keyNumIndex + " (expected: >= 0)");
            }
            if (firstKey < 0) {
                throw new IllegalArgumentException("firstkey: " + firstKey + " (expected: >= 0)");
            }
            if (step < 1) {
                throw new IllegalArgumentException("step: " + step + " (expected: >= 1)");
            }
        }
    }

    /** Redis cannot say how many keys there are. */
    record Unknown() implements FindKeys {
    }
}
