package io.hxo.planner.execute.kinds;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 digests of source files, which is what a file's shard input carries: an edit that keeps the
 * size and the modification time still changes the id. A digest is reused without reading the file
 * again only while the file's size, modification time, inode and status-change time (ctime) are all
 * unchanged; ctime moves on every write and cannot be set back by tools that restore mtimes, so a
 * reproducible-build mtime does not hide an edit. Where the file system offers no inode or ctime,
 * every file is hashed.
 */
@ApplicationScoped
public class FileDigests {
    /** Files remembered at most; past it the cache starts over (a digest is only ever a saving). */
    static final int CAPACITY = 200_000;

    private record Stamp(long size, long mtimeNanos, Object inode, long ctimeNanos) {
    }

    private record Known(Stamp stamp, String digest) {
    }

    private final Map<Path, Known> known = new ConcurrentHashMap<>();

    /** The hex SHA-256 of the file's bytes (the file itself, not a link's target). */
    public String digest(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        Stamp before = stamp(key);
        Known k = before == null ? null : known.get(key);
        if (k != null && k.stamp().equals(before)) {
            return k.digest();
        }
        String digest = hash(key);
        Stamp after = stamp(key);
        // Only a file that did not change while it was read is remembered.
        if (before != null && before.equals(after)) {
            if (known.size() >= CAPACITY) {
                known.clear();
            }
            known.put(key, new Known(after, digest));
        }
        return digest;
    }

    static String hash(Path file) throws IOException {
        MessageDigest md = HashAlg.SHA_256.newDigest();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Hex.of(md.digest());
    }

    /** Size, mtime, inode and ctime; null where the platform cannot tell inode and ctime (never cached). */
    private static Stamp stamp(Path file) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:size,lastModifiedTime,ino,dev,ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
        Object ctime = a.get("ctime");
        if (a.get("ino") == null || ctime == null) {
            return null;
        }
        return new Stamp((Long) a.get("size"),
                ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS),
                a.get("dev") + ":" + a.get("ino"),
                ((java.nio.file.attribute.FileTime) ctime).to(java.util.concurrent.TimeUnit.NANOSECONDS));
    }
}
