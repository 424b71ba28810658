package io.hxo.planner.checkpoint;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Leaves packed for a checkpoint row: per leaf its index (int32), CAS id (32 bytes), output digest
 * (32 bytes) and flags (bit 0: served from the CAS store). One row per batch instead of one per
 * shard keeps a checkpoint to a single small write.
 */
public final class LeafBatch {
    public static final int LEAF_BYTES = 4 + 32 + 32 + 1;
    public static final byte CACHED = 1;

    private final ByteBuffer buf;

    public LeafBatch(int capacity) {
        this.buf = ByteBuffer.allocate(capacity * LEAF_BYTES);
    }

    public void add(int index, byte[] casIds, byte[] digests, boolean cached) {
        buf.putInt(index);
        buf.put(casIds, index * 32, 32);
        buf.put(digests, index * 32, 32);
        buf.put(cached ? CACHED : 0);
    }

    public int count() {
        return buf.position() / LEAF_BYTES;
    }

    public byte[] bytes() {
        byte[] out = new byte[buf.position()];
        System.arraycopy(buf.array(), 0, out, 0, out.length);
        return out;
    }

    /** One stored leaf, as read back on resume. */
    public record Leaf(int index, byte[] casId, byte[] digest, boolean cached) {
    }

    public static void read(byte[] packed, Consumer<Leaf> sink) {
        ByteBuffer b = ByteBuffer.wrap(packed);
        while (b.remaining() >= LEAF_BYTES) {
            int index = b.getInt();
            byte[] cas = new byte[32];
            byte[] digest = new byte[32];
            b.get(cas);
            b.get(digest);
            boolean cached = (b.get() & CACHED) != 0;
            sink.accept(new Leaf(index, cas, digest, cached));
        }
    }
}
