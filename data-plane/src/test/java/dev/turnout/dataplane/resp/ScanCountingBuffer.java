package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/** A heap buffer that counts how many bytes {@code indexOf} searched, to prove parsers never rescan. */
final class ScanCountingBuffer extends UnpooledHeapByteBuf {

    private long scannedBytes;

    ScanCountingBuffer(ByteBufAllocator alloc) {
        super(alloc, 256, Integer.MAX_VALUE);
    }

    long scannedBytes() {
        return scannedBytes;
    }

    @Override
    public int indexOf(int fromIndex, int toIndex, byte value) {
        int found = super.indexOf(fromIndex, toIndex, value);
        scannedBytes += (found >= 0 ? found + 1 : toIndex) - fromIndex;
        return found;
    }
}
