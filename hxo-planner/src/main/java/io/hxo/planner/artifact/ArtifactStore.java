package io.hxo.planner.artifact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/**
 * The content-addressed artifact store: blobs named by the hex SHA-256 of their bytes, each stored
 * once. Every planner instance must read what any instance stored (a cached result is served only
 * while its artifacts exist), so the default lives in PostgreSQL ({@code HXO_ARTIFACTS_STORE=postgres});
 * a local directory ({@code directory}, at {@code HXO_ARTIFACTS_DIR}) suits a single instance only.
 */
public interface ArtifactStore {

    /** Stores bytes; returns their digest. */
    String put(byte[] data);

    /** Stores a file's content; returns its digest. */
    String put(Path file) throws IOException;

    /** A blob's bytes. */
    byte[] read(String digest) throws IOException;

    boolean exists(String digest);

    /** The digests among these that the store holds (one round trip for a batch). */
    Set<String> existing(Collection<String> digests);

    /** Removes a blob (garbage collection; tests that lose an artifact on purpose). */
    void delete(String digest) throws IOException;

    /** Every digest of every result here is present: a cached result may be served. */
    default boolean allPresent(Collection<String> digests) {
        return digests.isEmpty() || existing(digests).containsAll(digests);
    }
}
