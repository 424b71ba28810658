package io.hxo.arie.rules;

/**
 * One problem a rule saw, before the scanner gives it a severity and fingerprint.
 *
 * @param evidence what makes this problem this one (normalized into the fingerprint, never shown)
 * @param related  another place that explains it (the first copy of a duplicate), or null
 */
public record Hit(Location location, String message, String evidence, Location related) {

    public Hit(Location location, String message, String evidence) {
        this(location, message, evidence, null);
    }
}
