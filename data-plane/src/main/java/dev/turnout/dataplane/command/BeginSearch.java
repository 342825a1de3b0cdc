package dev.turnout.dataplane.command;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/** Where a key spec starts looking for keys: the {@code begin_search} part of a Redis key spec. */
public sealed interface BeginSearch permits BeginSearch.Index, BeginSearch.Keyword, BeginSearch.Unknown {

    /** The spec that Redis reports as {@code unknown}: the keys cannot be found from the spec. */
    Unknown UNKNOWN = new Unknown();

    /** The first key is at a fixed argument index. */
    record Index(int pos) implements BeginSearch {
        public Index {
            if (pos < 1) {
                throw new IllegalArgumentException("pos: " + pos + " (expected: >= 1)");
            }
        }
    }

    /**
     * The first key follows a keyword. The search for the keyword starts at argument
     * {@code startFrom} and goes forward, or, when {@code startFrom} is negative, at
     * {@code argc + startFrom} and goes backward.
     */
    final class Keyword implements BeginSearch {
        private final String keyword;
        private final int startFrom;
        private final byte[] lowerAscii;

        public Keyword(String keyword, int startFrom) {
            this.keyword = Objects.requireNonNull(keyword, "keyword");
            if (keyword.isEmpty()) {
                throw new IllegalArgumentException("keyword: \"\" (expected: non-empty)");
            }
            if (startFrom == 0) {
                throw new IllegalArgumentException("startfrom: 0 (expected: != 0)");
            }
            this.startFrom = startFrom;
            this.lowerAscii = keyword.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }

        /** The keyword as Redis reports it, e.g. {@code "STREAMS"}. */
        public String keyword() {
            return keyword;
        }

        public int startFrom() {
            return startFrom;
        }

        byte[] lowerAscii() {
            return lowerAscii;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Keyword k && k.startFrom == startFrom && k.keyword.equals(keyword);
        }

        @Override
        public int hashCode() {
            return keyword.hashCode() * 31 + startFrom;
        }

        @Override
        public String toString() {
            return "Keyword[keyword=" + keyword + ", startFrom=" + startFrom + "]";
        }
    }

    /** Redis cannot say where the keys are (SORT's STORE and BY/GET, for instance). */
    record Unknown() implements BeginSearch {
    }
}
