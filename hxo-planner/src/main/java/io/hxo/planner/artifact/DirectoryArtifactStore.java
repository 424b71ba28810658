package io.hxo.planner.artifact;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Artifacts in a local directory ({@code HXO_ARTIFACTS_STORE=directory}, at {@code HXO_ARTIFACTS_DIR}):
 * each blob lives once, at {@code <dir>/<ab>/<cd>/<sha-256 hex>}, written to a temporary file and moved
 * into place, so a reader never sees half a blob and two writers of the same content agree. Only one
 * planner instance sees this directory: use it for a single instance with a persistent disk.
 */
public class DirectoryArtifactStore implements ArtifactStore {
    private final Path root;

    public DirectoryArtifactStore(Path dir) {
        this.root = dir.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path path(String digest) {
        if (!Hex.isHash(digest)) {
            throw new IllegalArgumentException("not an artifact digest: " + digest);
        }
        return root.resolve(digest.substring(0, 2)).resolve(digest.substring(2, 4)).resolve(digest);
    }

    @Override
    public boolean exists(String digest) {
        return Hex.isHash(digest) && Files.isRegularFile(path(digest));
    }

    @Override
    public Set<String> existing(Collection<String> digests) {
        Set<String> out = new HashSet<>();
        for (String d : digests) {
            if (exists(d)) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    public void delete(String digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    @Override
    public String put(byte[] data) {
        String digest = Hex.of(HashAlg.SHA_256.hash(data));
        if (!exists(digest)) {
            try {
                Path tmp = temp();
                Files.write(tmp, data);
                moveIntoPlace(tmp, digest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return digest;
    }

    /** Stores a file's content, reading it once: hashed while it is copied. */
    @Override
    public String put(Path file) throws IOException {
        MessageDigest md = HashAlg.SHA_256.newDigest();
        Path tmp = temp();
        try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        String digest = Hex.of(md.digest());
        if (exists(digest)) {
            Files.deleteIfExists(tmp);
        } else {
            moveIntoPlace(tmp, digest);
        }
        return digest;
    }

    @Override
    public byte[] read(String digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    private Path temp() throws IOException {
        Path dir = root.resolve("tmp");
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "blob", ".part");
    }

    private void moveIntoPlace(Path tmp, String digest) throws IOException {
        Path target = path(digest);
        Files.createDirectories(target.getParent());
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
