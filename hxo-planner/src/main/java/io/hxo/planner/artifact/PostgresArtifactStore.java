package io.hxo.planner.artifact;

import io.hxo.planner.checkpoint.StoreException;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.planner.checkpoint.PlanStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Artifacts in PostgreSQL (schema {@code hxo}, tables {@code blobs} and {@code blob_chunks}), the
 * default: any planner instance reads what another stored, and a restarted instance with an empty
 * disk loses nothing. A blob is written once per digest, chunk by chunk in one transaction, so a
 * reader sees all of it or none; two writers of the same content agree on the first.
 */
public class PostgresArtifactStore implements ArtifactStore {
    static final int CHUNK = 1024 * 1024;

    private final DataSource ds;

    public PostgresArtifactStore(DataSource ds) {
        this.ds = ds;
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
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean mine;
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO hxo.blobs (digest, size, chunks) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING")) {
                    ps.setString(1, digest);
                    ps.setLong(2, size);
                    ps.setInt(3, count);
                    mine = ps.executeUpdate() == 1;
                }
                if (mine) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO hxo.blob_chunks (digest, n, data) VALUES (?, ?, ?)")) {
                        for (int n = 0; n < count; n++) {
                            ps.setString(1, digest);
                            ps.setInt(2, n);
                            ps.setBytes(3, chunks.chunk(n));
                            ps.executeUpdate();
                        }
                    }
                }
                c.commit();
                return mine;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    @Override
    public byte[] read(String digest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean any = false;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT data FROM hxo.blob_chunks WHERE digest = ? ORDER BY n")) {
            ps.setString(1, digest);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.write(rs.getBytes(1));
                    any = true;
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
        if (!any) {
            throw new java.nio.file.NoSuchFileException("artifact " + digest);
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
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT digest FROM hxo.blobs WHERE digest = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", digests.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
        return out;
    }

    @Override
    public void delete(String digest) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM hxo.blobs WHERE digest = ?")) {
            ps.setString(1, digest);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Deletes blobs older than {@code graceSeconds} that no stored result refers to (a shard that
     * failed after storing, a file that changed mid-pack); returns how many went.
     */
    public int collect(long graceSeconds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                DELETE FROM hxo.blobs b
                WHERE b.created_at < now() - make_interval(secs => ?)
                  AND NOT EXISTS (SELECT 1 FROM hxo.results r WHERE r.artifacts @> ARRAY[b.digest])""")) {
            ps.setLong(1, graceSeconds);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
