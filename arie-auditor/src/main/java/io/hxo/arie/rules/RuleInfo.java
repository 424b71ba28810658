package io.hxo.arie.rules;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule is, apart from how it checks: its id (e.g. {@code HXO-CFG-001}), severity, what it
 * detects (one sentence) and how to fix it.
 */
public record RuleInfo(String id, Severity severity, RuleScope scope, String description, String fix) {
    /** Upper-case words joined by dashes, at least two: {@code HXO-WS-001}, {@code ACME-SECRETS-7}. */
    public static final Pattern ID = Pattern.compile("[A-Z][A-Z0-9]*(-[A-Z0-9]+)+");

    public RuleInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(scope, "scope");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "rule id must be upper-case words joined by dashes, like HXO-CFG-001, got \"" + id + "\"");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException(id + ": description is empty");
        }
        if (fix == null || fix.isBlank()) {
            throw new IllegalArgumentException(id + ": fix is empty");
        }
    }
}
