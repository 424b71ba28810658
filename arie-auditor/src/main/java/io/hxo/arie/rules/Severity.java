package io.hxo.arie.rules;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How bad a finding is. New {@link #HIGH} and {@link #CRITICAL} findings raise {@code arie.alert}. */
public enum Severity {
    LOW("note", "3.0"),
    MEDIUM("warning", "5.5"),
    HIGH("error", "8.0"),
    CRITICAL("error", "9.5");

    private final String sarifLevel;
    private final String securitySeverity;

    Severity(String sarifLevel, String securitySeverity) {
        this.sarifLevel = sarifLevel;
        this.securitySeverity = securitySeverity;
    }

    /** {@code low}, {@code medium}, {@code high} or {@code critical}: the form in JSON and rule entries. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** SARIF {@code level}: critical and high are errors, medium a warning, low a note. */
    public String sarifLevel() {
        return sarifLevel;
    }

    /** The 0-10 score code-scanning viewers rank SARIF rules by ({@code security-severity}). */
    public String securitySeverity() {
        return securitySeverity;
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    @JsonCreator
    public static Severity parse(String text) {
        if (text != null) {
            for (Severity s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("severity must be one of low, medium, high, critical, got \"" + text + "\"");
    }
}
