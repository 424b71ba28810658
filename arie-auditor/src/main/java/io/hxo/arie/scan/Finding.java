package io.hxo.arie.scan;

import io.hxo.arie.rules.Location;
import io.hxo.arie.rules.Severity;

/**
 * A problem a scan found. Its {@code fingerprint} is stable: the same problem at the same place
 * has the same fingerprint in every scan ({@link Fingerprints}).
 *
 * @param related another place that explains it (the original of a duplicate), or null
 */
public record Finding(String ruleId, Severity severity, String message, Location location, Location related,
        String fingerprint) {
}
