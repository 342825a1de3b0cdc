package dev.turnout.dataplane.resp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * One way of delivering an input to a parser: the input is fed up to each of {@code ends} in turn, and
 * with {@code move} the unconsumed bytes are copied to a fresh buffer (at a different absolute index,
 * alternately heap and direct) between reads.
 */
record Chunking(String name, int[] ends, boolean move) {

    /** Whole, split in two at every byte boundary, and one byte at a time; each in place and moved. */
    static List<Chunking> all(int length) {
        List<Chunking> result = new ArrayList<>();
        for (boolean move : new boolean[] {false, true}) {
            result.add(new Chunking("whole", new int[] {length}, move));
            for (int split = 1; split < length; split++) {
                result.add(new Chunking("split at " + split, new int[] {split, length}, move));
            }
            result.add(byteAtATime(length, move));
        }
        return result;
    }

    /**
     * For inputs too large to split everywhere: whole, two-way splits at every boundary within
     * {@code window} bytes of each of {@code interesting} offsets and of both ends, and one byte at a time
     * (moved: 4099 bytes at a time, as moving a megabyte after every byte would take hours).
     */
    static List<Chunking> sampled(int length, int window, int... interesting) {
        TreeSet<Integer> splits = new TreeSet<>();
        int[] centres = Arrays.copyOf(interesting, interesting.length + 2);
        centres[interesting.length] = 0;
        centres[interesting.length + 1] = length;
        for (int centre : centres) {
            for (int split = centre - window; split <= centre + window; split++) {
                if (split > 0 && split < length) {
                    splits.add(split);
                }
            }
        }
        List<Chunking> result = new ArrayList<>();
        for (boolean move : new boolean[] {false, true}) {
            result.add(new Chunking("whole", new int[] {length}, move));
            for (int split : splits) {
                result.add(new Chunking("split at " + split, new int[] {split, length}, move));
            }
            result.add(move ? fixedSize(length, 4099, move) : byteAtATime(length, move));
        }
        return result;
    }

    private static Chunking fixedSize(int length, int size, boolean move) {
        int[] ends = new int[(length + size - 1) / size];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = Math.min(length, (i + 1) * size);
        }
        return new Chunking(size + " bytes at a time", ends, move);
    }

    private static Chunking byteAtATime(int length, boolean move) {
        int[] ends = new int[length];
        for (int i = 0; i < length; i++) {
            ends[i] = i + 1;
        }
        return new Chunking("one byte at a time", ends, move);
    }

    @Override
    public String toString() {
        return name + (move ? ", moved between reads" : "");
    }
}
