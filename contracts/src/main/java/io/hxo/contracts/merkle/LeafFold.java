package io.hxo.contracts.merkle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import java.io.IOException;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Folds the leaves a plan announced on {@code hxo.shard.done} into its Merkle root, the way any
 * validator must: one leaf per slot (a leaf announced twice, after a resume, counts once), ordered
 * by {@link Events.Leaf#order()}, hashed as {@code H(0x00 ‖ cas_id ‖ output_digest)}.
 *
 * <p>A validator folds a million leaves after a large plan, three validators at once on the same
 * cores, so {@link #addShardsDone} reads an event's JSON straight into the slot table (no records,
 * strings or boxed lists per leaf), and the table is an array by slot rather than a map.
 */
public final class LeafFold {
    /** Element-by-element comparison; a shorter path that is a prefix of a longer one sorts first. */
    public static final Comparator<List<Integer>> ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** Far above any plan's slots (a plan has at most millions); a larger index is a malformed leaf. */
    static final int MAX_SLOT = 1 << 26;
    private static final int H = HashAlg.LENGTH;

    /** Kept compact (a fold may hold a million leaves): the order path and cas_id ‖ output_digest. */
    private record Entry(int[] order, byte[] casAndDigest) {
    }

    private static final Comparator<Entry> PATH = (x, y) -> {
        int[] a = x.order;
        int[] b = y.order;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = Integer.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    };

    private Entry[] bySlot = new Entry[1024];
    private int size;

    public void add(Events.Leaf leaf) {
        int[] order = leaf.order().stream().mapToInt(Integer::intValue).toArray();
        byte[] both = new byte[2 * H];
        System.arraycopy(Hex.parseHash(leaf.casId()), 0, both, 0, H);
        System.arraycopy(Hex.parseHash(leaf.outputDigest()), 0, both, H, H);
        put(leaf.index(), new Entry(order, both));
    }

    public void addAll(Iterable<Events.Leaf> leaves) {
        leaves.forEach(this::add);
    }

    /**
     * Adds the leaves of one {@code hxo.shard.done} event's data ({@link Events.ShardsDone} as JSON),
     * read token by token.
     *
     * @throws IllegalArgumentException when it is not such a document or a leaf lacks a field
     */
    public void addShardsDone(byte[] json) {
        try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "a shard.done document");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("leaves".equals(field)) {
                    expect(p, value, JsonToken.START_ARRAY, "leaves");
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        readLeaf(p);
                    }
                    expect(p, p.currentToken(), JsonToken.END_ARRAY, "the end of leaves");
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable shard.done document: " + e.getMessage(), e);
        }
    }

    private void readLeaf(JsonParser p) throws IOException {
        int slot = -1;
        int[] order = null;
        byte[] both = new byte[2 * H];
        boolean cas = false;
        boolean digest = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> {
                    expect(p, value, JsonToken.VALUE_NUMBER_INT, "index");
                    slot = p.getIntValue();
                }
                case "order" -> {
                    expect(p, value, JsonToken.START_ARRAY, "order");
                    order = readInts(p);
                }
                case "cas_id" -> cas = hexInto(p, value, both, 0, "cas_id");
                case "output_digest" -> digest = hexInto(p, value, both, H, "output_digest");
                default -> p.skipChildren();
            }
        }
        if (slot < 0 || order == null || !cas || !digest) {
            throw new IllegalArgumentException("a leaf needs index, order, cas_id and output_digest");
        }
        put(slot, new Entry(order, both));
    }

    private static int[] readInts(JsonParser p) throws IOException {
        int[] out = new int[4];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(p, t, JsonToken.VALUE_NUMBER_INT, "an order element");
            if (n == out.length) {
                out = Arrays.copyOf(out, 2 * n);
            }
            out[n++] = p.getIntValue();
        }
        return Arrays.copyOf(out, n);
    }

    /** Decodes a 64-character hex string from the parser's own buffer into {@code out} at {@code at}. */
    private static boolean hexInto(JsonParser p, JsonToken t, byte[] out, int at, String what) throws IOException {
        expect(p, t, JsonToken.VALUE_STRING, what);
        char[] text = p.getTextCharacters();
        int off = p.getTextOffset();
        if (p.getTextLength() != 2 * H) {
            throw new IllegalArgumentException(what + " is a hash of 64 hex characters, got " + p.getTextLength());
        }
        int bad = 0;
        for (int i = 0; i < H; i++) {
            int hi = nibble(text[off + 2 * i]);
            int lo = nibble(text[off + 2 * i + 1]);
            bad |= hi | lo;
            out[at + i] = (byte) (hi << 4 | lo);
        }
        if (bad < 0) {
            throw new IllegalArgumentException(what + " is not hex");
        }
        return true;
    }

    private static final byte[] NIBBLES = new byte[128];

    static {
        Arrays.fill(NIBBLES, (byte) -1);
        for (int i = 0; i < 10; i++) {
            NIBBLES['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            NIBBLES['a' + i] = (byte) (10 + i);
            NIBBLES['A' + i] = (byte) (10 + i);
        }
    }

    /** A hex digit's value, or -1. */
    private static int nibble(char c) {
        return c < 128 ? NIBBLES[c] : -1;
    }

    private static void expect(JsonParser p, JsonToken got, JsonToken wanted, String what) {
        if (got != wanted) {
            throw new IllegalArgumentException(what + ": expected " + wanted + ", got " + got + " at "
                    + p.currentLocation().getCharOffset());
        }
    }

    private void put(int slot, Entry entry) {
        if (slot < 0 || slot >= MAX_SLOT) {
            throw new IllegalArgumentException("leaf index " + slot + " is out of range");
        }
        if (slot >= bySlot.length) {
            bySlot = Arrays.copyOf(bySlot, Math.max(slot + 1, Math.min(MAX_SLOT, 2 * bySlot.length)));
        }
        if (bySlot[slot] == null) {
            size++;
        }
        bySlot[slot] = entry;
    }

    public int size() {
        return size;
    }

    /** The root over the leaves folded so far, as lowercase hex. */
    public String root(HashAlg alg) {
        Entry[] leaves = new Entry[size];
        int n = 0;
        for (Entry e : bySlot) {
            if (e != null) {
                leaves[n++] = e;
            }
        }
        Arrays.sort(leaves, PATH);
        byte[] hashes = new byte[leaves.length * H];
        MessageDigest md = alg.newDigest();
        try {
            for (int i = 0; i < leaves.length; i++) {
                md.update((byte) 0x00);
                md.update(leaves[i].casAndDigest());
                md.digest(hashes, i * H, H);
            }
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return Hex.of(MerkleTree.fromLeafHashes(alg, hashes, leaves.length).root());
    }
}
