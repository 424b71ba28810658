package io.hxo.runtime.zerotrust;

import java.util.Arrays;

/**
 * Remembers where recent events were first seen ({@code source}+{@code id} → topic, partition,
 * offset). The same event at another position is a replay; at the same position it is a
 * redelivery, which is allowed. Bounded: the oldest entries fall out first.
 *
 * <p>Kept in a few primitive arrays rather than a map of strings. A busy consumer remembers 100,000
 * events by default; as map entries (an entry, two strings, two byte arrays each) that was ~25 MB
 * of small objects that every young collection copied between survivor spaces until they aged out,
 * most of a service's GC pause. Here an event is a 128-bit fingerprint of its source and id and a
 * 64-bit fingerprint of its position in a ring (insertion order, so the oldest is the next slot),
 * found through an open-addressing index of ring slots. Two different events share a fingerprint
 * with odds of about n² / 2¹²⁹ (10⁻²⁹ for 100,000): not a concern next to a forged HMAC.
 */
final class ReplayGuard {
    /** Ring arrays start this small and double up to the capacity, so an idle consumer stays cheap. */
    private static final int INITIAL = 1024;

    private final int capacity;
    /** Ring of remembered events; {@code next} is where the next one goes (the oldest once full). */
    private long[] keyHi = new long[0];
    private long[] keyLo = new long[0];
    private long[] position = new long[0];
    private int next;
    private int size;
    /** Open-addressing index (linear probing): ring slot + 1, 0 for empty. Never more than half full. */
    private int[] index;
    private int mask;

    ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay cache size must be positive: " + capacity);
        }
        this.capacity = capacity;
        allocate(Math.min(capacity, INITIAL));
    }

    synchronized boolean firstSeenAt(String source, String id, String topic, int partition, long offset) {
        long hi = mix(chars(id, chars(source, 0x9E3779B97F4A7C15L, 0x100000001B3L), 0x100000001B3L));
        long lo = mix(chars(id, chars(source, 0xC2B2AE3D27D4EB4FL, 0x9FB21C651E98DF25L), 0x9FB21C651E98DF25L));
        // mix is a bijection, so for one topic and partition distinct offsets never share a position.
        long pos = mix(mix(chars(topic, 0x165667B19E3779F9L, 0x100000001B3L) + partition) + offset);
        for (int i = home(hi); index[i] != 0; i = (i + 1) & mask) {
            int slot = index[i] - 1;
            if (keyHi[slot] == hi && keyLo[slot] == lo) {
                return position[slot] == pos;
            }
        }
        remember(hi, lo, pos);
        return true;
    }

    /** How many events are remembered now (for tests). */
    synchronized int size() {
        return size;
    }

    private void remember(long hi, long lo, long pos) {
        if (size == keyHi.length && size < capacity) {
            allocate(Math.min(capacity, size * 2));
        }
        if (size == capacity) {
            forget(next); // the ring is full: next is the oldest
        } else {
            size++;
        }
        keyHi[next] = hi;
        keyLo[next] = lo;
        position[next] = pos;
        addToIndex(next);
        next = next + 1 == capacity ? 0 : next + 1;
    }

    /** Takes a ring slot out of the index, shifting later entries of its probe run back (no tombstones). */
    private void forget(int slot) {
        int hole = home(keyHi[slot]);
        while (index[hole] != slot + 1) {
            hole = (hole + 1) & mask;
        }
        for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int want = home(keyHi[index[j] - 1]);
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? hole < want && want <= j : hole < want || want <= j;
            if (!stays) {
                index[hole] = index[j];
                hole = j;
            }
        }
        index[hole] = 0;
    }

    /** Sizes the ring to {@code length} slots (keeping what is in it: it has not wrapped yet) and rebuilds the index. */
    private void allocate(int length) {
        keyHi = Arrays.copyOf(keyHi, length);
        keyLo = Arrays.copyOf(keyLo, length);
        position = Arrays.copyOf(position, length);
        index = new int[Integer.highestOneBit(Math.max(2, length) * 2 - 1) * 2];
        mask = index.length - 1;
        for (int slot = 0; slot < size; slot++) {
            addToIndex(slot);
        }
    }

    /** Puts a ring slot in the first free place of its probe run. */
    private void addToIndex(int slot) {
        int i = home(keyHi[slot]);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
    }

    private int home(long hi) {
        return (int) hi & mask;
    }

    private static long chars(String s, long h, long multiplier) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * multiplier;
        }
        // The length keeps "ab"+"c" and "a"+"bc" apart when two strings are hashed in a row.
        return (h ^ s.length()) * multiplier;
    }

    /** MurmurHash3's 64-bit finalizer: a bijection that spreads every input bit over the output. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
