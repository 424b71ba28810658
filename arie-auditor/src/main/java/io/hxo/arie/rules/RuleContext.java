package io.hxo.arie.rules;

import java.time.Instant;
import java.util.Set;

/**
 * The settings rules read.
 *
 * @param now                           the scan's time (rotation age is measured from it)
 * @param maxSecretAgeDays              a secret rotated longer ago than this is stale
 * @param maxFileBytes                  files larger than this are oversized
 * @param knownDefaultSecretFingerprints {@code ConfigFacts.fingerprint} of well-known default secrets
 */
public record RuleContext(Instant now, int maxSecretAgeDays, long maxFileBytes,
        Set<String> knownDefaultSecretFingerprints) {
}
