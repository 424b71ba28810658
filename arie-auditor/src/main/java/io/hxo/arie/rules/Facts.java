package io.hxo.arie.rules;

import io.hxo.runtime.config.EnvCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * One service's config facts ({@code ConfigFacts}) with lenient typed reads: a heartbeat carries
 * booleans as {@code "true"} strings or JSON booleans, numbers as strings or JSON numbers.
 */
public final class Facts {
    private final Map<String, ?> values;

    public Facts(Map<String, ?> values) {
        this.values = values == null ? Map.of() : values;
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public Optional<String> text(String key) {
        Object v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v).trim());
    }

    /** Present facts are on when they say true, 1, yes or on; anything else is off. */
    public Optional<Boolean> flag(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof Number n) {
            return Optional.of(n.longValue() != 0);
        }
        return Optional.of(EnvCatalog.isTrue(String.valueOf(v)));
    }

    /** A whole number; empty when absent or unreadable (tell them apart with {@link #has}). */
    public Optional<Long> number(String key) {
        Object v = values.get(key);
        if (v instanceof Number n) {
            return Optional.of(n.longValue());
        }
        if (v != null) {
            try {
                return Optional.of(Long.parseLong(String.valueOf(v).trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * An instant written as ISO-8601: {@code 2026-03-01T12:00:00Z}, with an offset, or a plain date
     * (its start in UTC). Empty when absent or unreadable.
     */
    public Optional<Instant> instant(String key) {
        Object v = values.get(key);
        if (v instanceof Instant i) {
            return Optional.of(i);
        }
        if (v == null) {
            return Optional.empty();
        }
        String s = String.valueOf(v).trim();
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            // not a date-time with offset; try a plain date
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
