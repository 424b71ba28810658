package io.hxo.planner.checkpoint;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Leaves packed for a checkpoint row: per leaf its index (int32), CAS id (32 bytes), output digest
 * (32 bytes) and flags (bit 0: served from the CAS store; bit 1: the shard's run follows), then, for a
 * shard that ran here, its duration in ms (int32) and attempts (1 byte). One row per batch instead of
 * one per shard keeps a checkpoint to a single small write; rows written before the run was recorded
 * simply lack bit 1.
 */
public final class LeafBatch {
    static final int BASE_BYTES = 4 + 32 + 32 + 1;
    static final int RUN_BYTES = 4 + 1;
    public static final byte CACHED = 1;
    static final byte RUN = 2;

    private final ByteBuffer buf;
    private int count;

    public LeafBatch(int capacity) {
        this.buf = ByteBuffer.allocate(capacity * (BASE_BYTES + RUN_BYTES));
    }

    public void add(int index, byte[] casIds, byte[] digests, boolean cached, int durationMs, int attempts) {
        buf.putInt(index);
        buf.put(casIds, index * 32, 32);
        buf.put(digests, index * 32, 32);
        buf.put((byte) ((cached ? CACHED : 0) | RUN));
        buf.putInt(durationMs);
        buf.put((byte) Math.min(attempts, 127));
        count++;
    }

    public int count() {
        return count;
    }

    public byte[] bytes() {
        byte[] out = new byte[buf.position()];
        System.arraycopy(buf.array(), 0, out, 0, out.length);
        return out;
    }

    /**
     * One stored leaf, as read back on resume, with the sequence number of the checkpoint row that holds
     * it; duration and attempts are 0 where the row did not record them.
     */
    public record Leaf(int index, byte[] casId, byte[] digest, boolean cached, int durationMs, int attempts, int seq) {
    }

    /** The leaves of checkpoint row {@code seq}, in the order they were packed (and announced). */
    public static void read(int seq, byte[] packed, Consumer<Leaf> sink) {
        ByteBuffer b = ByteBuffer.wrap(packed);
        while (b.remaining() >= BASE_BYTES) {
            int index = b.getInt();
            byte[] cas = new byte[32];
            byte[] digest = new byte[32];
            b.get(cas);
            b.get(digest);
            byte flags = b.get();
            int duration = 0;
            int attempts = 0;
            if ((flags & RUN) != 0 && b.remaining() >= RUN_BYTES) {
                duration = b.getInt();
                attempts = b.get();
            }
            sink.accept(new Leaf(index, cas, digest, (flags & CACHED) != 0, duration, attempts, seq));
        }
    }
}
