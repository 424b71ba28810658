package io.hxo.planner.artifact;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.runtime.blocking.Awaiting;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Artifacts in PostgreSQL (schema {@code hxo}, tables {@code blobs} and {@code blob_chunks}), the
 * default: any planner instance reads what another stored, and a restarted instance with an empty
 * disk loses nothing. A blob is written once per digest, chunk by chunk in one transaction, so a
 * reader sees all of it or none; two writers of the same content agree on the first.
 *
 * <p>Blobs are a bulk path: plain SQL on the reactive client ({@link Pool}), not entities. Callers are
 * shard workers and the owner thread, never an event loop: each call waits for its answer there, and a
 * file is read on the caller's thread one chunk at a time between the inserts, so a large file never
 * sits whole in memory and no file is read on an event loop.
 */
public class PostgresArtifactStore implements ArtifactStore {
    static final int CHUNK = 1024 * 1024;

    private final Pool pool;

    public PostgresArtifactStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String put(byte[] data) {
        String digest = Hex.of(HashAlg.SHA_256.hash(data));
        if (exists(digest)) {
            return digest;
        }
        try {
            write(digest, data.length, n -> Arrays.copyOfRange(data, n * CHUNK, Math.min(data.length, (n + 1) * CHUNK)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return digest;
    }

    /** Reads the file once to name it, and once more (only when the store lacks it) to store it. */
    @Override
    public String put(Path file) throws IOException {
        MessageDigest md = HashAlg.SHA_256.newDigest();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                size += n;
            }
        }
        String digest = Hex.of(md.digest());
        if (exists(digest)) {
            return digest;
        }
        MessageDigest again = HashAlg.SHA_256.newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            long total = size;
            boolean mine = write(digest, size, n -> {
                byte[] chunk = in.readNBytes((int) Math.min(CHUNK, total - (long) n * CHUNK));
                again.update(chunk);
                return chunk;
            });
            // The file changed between the two reads: what was stored is not what its name says.
            if (mine && (!Hex.of(again.digest()).equals(digest) || in.read() != -1)) {
                delete(digest);
                throw new IOException(file + " changed while it was stored");
            }
        }
        return digest;
    }

    @FunctionalInterface
    private interface Chunks {
        byte[] chunk(int n) throws IOException;
    }

    /** Writes a blob unless another writer has; true when this call stored it. */
    private boolean write(String digest, long size, Chunks chunks) throws IOException {
        int count = (int) Math.max(1, (size + CHUNK - 1) / CHUNK);
        SqlConnection c = Awaiting.await(pool.getConnection(), StoreException.about("connect to the artifact store"));
        try {
            Transaction tx = Awaiting.await(c.begin(), StoreException.about("begin storing " + digest));
            try {
                boolean mine = Awaiting.await(c.preparedQuery(
                        "INSERT INTO hxo.blobs (digest, size, chunks) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING")
                        .execute(Tuple.of(digest, size, count)),
                        StoreException.about("store blob " + digest)).rowCount() == 1;
                if (mine) {
                    for (int n = 0; n < count; n++) {
                        byte[] data = chunks.chunk(n); // read here, on the caller's thread
                        Awaiting.await(c.preparedQuery(
                                "INSERT INTO hxo.blob_chunks (digest, n, data) VALUES ($1, $2, $3)")
                                .execute(Tuple.of(digest, n, Buffer.buffer(data))),
                                StoreException.about("store chunk " + n + " of " + digest));
                    }
                }
                Awaiting.await(tx.commit(), StoreException.about("commit blob " + digest));
                return mine;
            } catch (IOException | RuntimeException e) {
                rollback(tx);
                throw e;
            }
        } finally {
            // Without waiting: a worker interrupted by its shard's timeout still returns the connection.
            c.close().subscribe().with(done -> { }, gone -> { });
        }
    }

    private static void rollback(Transaction tx) {
        try {
            tx.rollbackAndAwait();
        } catch (RuntimeException e) {
            // ended by the failed statement, or this thread was interrupted: closing the connection ends it
        }
    }

    @Override
    public byte[] read(String digest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean any = false;
        for (Row row : Awaiting.await(pool.preparedQuery(
                "SELECT data FROM hxo.blob_chunks WHERE digest = $1 ORDER BY n").execute(Tuple.of(digest)),
                StoreException.about("read blob " + digest))) {
            out.write(row.getBuffer(0).getBytes());
            any = true;
        }
        if (!any) {
            throw new NoSuchFileException("artifact " + digest);
        }
        return out.toByteArray();
    }

    @Override
    public boolean exists(String digest) {
        return !existing(List.of(digest)).isEmpty();
    }

    @Override
    public Set<String> existing(Collection<String> digests) {
        Set<String> out = new HashSet<>();
        if (digests.isEmpty()) {
            return out;
        }
        for (Row row : Awaiting.await(pool.preparedQuery("SELECT digest FROM hxo.blobs WHERE digest = ANY($1)")
                .execute(Tuple.of(digests.toArray(new String[0]))), StoreException.about("look up blobs"))) {
            out.add(row.getString(0));
        }
        return out;
    }

    @Override
    public void delete(String digest) {
        Awaiting.await(pool.preparedQuery("DELETE FROM hxo.blobs WHERE digest = $1")
                .execute(Tuple.of(digest)), StoreException.about("delete blob " + digest));
    }

    /**
     * Deletes blobs older than {@code graceSeconds} that no stored result refers to (a shard that
     * failed after storing, a file that changed mid-pack); returns how many went.
     */
    public int collect(long graceSeconds) {
        return Awaiting.await(pool.preparedQuery("""
                DELETE FROM hxo.blobs b
                WHERE b.created_at < now() - make_interval(secs => $1)
                  AND NOT EXISTS (SELECT 1 FROM hxo.results r WHERE r.artifacts @> ARRAY[b.digest])""")
                .execute(Tuple.of((double) graceSeconds)), StoreException.about("collect blobs")).rowCount();
    }
}
