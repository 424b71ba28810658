package io.hxo.arie.rules;

import java.util.List;

/** A rule over all files of a workspace at once, by their content digests. */
public non-sealed interface CrossFileRule extends Rule {
    /**
     * @param digests the SHA-256 of every non-empty file whose size equals another file's size
     *                (only those can have a twin), sorted by path
     */
    List<Hit> check(List<FileDigest> digests);

    record FileDigest(String path, long size, String sha256) {
    }
}
