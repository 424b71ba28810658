package io.hxo.runtime.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every environment variable of SPEC §7 (and the few HXO adds), with its default and its rule.
 * Each service checks its environment against this catalog before Quarkus starts, so a bad value
 * stops it with one line naming the variable instead of a stack trace.
 */
public final class EnvCatalog {
    /** Secrets shorter than this are refused unless {@code HXO_ALLOW_WEAK_SECRETS=true} (local experiments). */
    public static final int MIN_SECRET_LENGTH = 32;

    public enum Kind { SECRET, TOKEN, DATABASE_URL, HOSTS, BOOL, INT, ENUM, URL, TEXT, ORIGINS, DATE }

    public record Variable(String name, Kind kind, String defaultValue, long min, long max, List<String> choices,
            String description) {
    }

    public static final List<Variable> VARIABLES = List.of(
            v("SECRET_KEY", Kind.SECRET, null, "signs the gateway's short-lived tokens"),
            v("SECRET_KEY_PREVIOUS", Kind.SECRET, null, "previous SECRET_KEY, still accepted during a rotation"),
            v("SEED_SECRET", Kind.SECRET, null, "HMAC key that signs every Kafka message"),
            v("SEED_SECRET_PREVIOUS", Kind.SECRET, null, "previous SEED_SECRET, still verifies during a rotation"),
            v("SECRET_KEY_ROTATED_AT", Kind.DATE, null,
                    "when SECRET_KEY was last rotated (ISO date or instant); ARIE flags it after 90 days"),
            v("SEED_SECRET_ROTATED_AT", Kind.DATE, null,
                    "when SEED_SECRET was last rotated (ISO date or instant); ARIE flags it after 90 days"),
            v("ADMIRAL_TOKEN", Kind.TOKEN, null, "bearer token with every right"),
            v("CAPTAIN_TOKEN", Kind.TOKEN, null, "bearer token with read rights"),
            v("DATABASE_URL", Kind.DATABASE_URL, null,
                    "PostgreSQL: postgresql://, postgres://, postgresql+asyncpg:// or jdbc:postgresql://"),
            v("KAFKA_BOOTSTRAP_SERVERS", Kind.HOSTS, "localhost:9092", "Kafka brokers, host:port[,host:port]"),
            v("HXO_ENABLED", Kind.BOOL, "true", "planner accepts plans"),
            n("HXO_MAX_SHARDS", "1000000", 1, Integer.MAX_VALUE, "upper bound on shards per plan"),
            n("HXO_MAX_CONCURRENCY", "64", 1, 1_000_000, "shards of one plan executing at once (a plan may ask for fewer)"),
            n("HXO_DISPATCH_WINDOW", "20000", 1, 10_000_000, "tasks of one plan sent without a result yet"),
            n("HXO_SHARD_TIMEOUT_MS", "15000", 1, 86_400_000, "one shard attempt's time limit"),
            n("HXO_AUTOSPLIT_P95_MS", "8000", 1, 86_400_000, "stage p95 above which shards split"),
            n("HXO_AUTOSPLIT_FACTOR", "4", 2, 64, "children per split"),
            n("HXO_HEAL_DEPTH_LIMIT", "5", 1, 50, "attempts (and split depth) before a shard fails for good"),
            v("HXO_ZERO_TRUST", Kind.BOOL, "true", "refuse unsigned, wrongly signed, stale or replayed messages"),
            v("HXO_PREDICTIVE_MODE", Kind.BOOL, "true", "size shards and ETAs from history"),
            n("HXO_PREDICTIVE_TARGET_SHARD_MS", "2000", 1, 86_400_000, "shard duration predictive mode sizes shards for"),
            n("HXO_EVENT_CACHE_LIMIT", "10000", 0, 10_000_000, "events kept in the TERC replay cache"),
            v("HXO_QUANTUM_HASHING", Kind.BOOL, "true", "SHA3-256 instead of SHA-256 for ids, trees and signatures"),
            v("HXO_ZDU_ENABLED", Kind.BOOL, "true",
                    "zero-downtime upgrades (drain, migrate, resume); false: stop-the-world migrations"),
            v("HXO_HTTPS_REDIRECT", Kind.BOOL, "true",
                    "behind a TLS proxy, the gateway redirects plain HTTP to HTTPS and sends HSTS"),
            v("HXO_ALIR_ENABLED", Kind.BOOL, "true", "adaptive concurrency limit"),
            new Variable("HXO_CONSENSUS_MODE", Kind.ENUM, "HARMONIC", 0, 0, List.of("HARMONIC", "QUORUM"),
                    "HARMONIC: every validator agrees; QUORUM: a majority"),
            n("HXO_FEDERATION_TIMEOUT", "5000", 1, 600_000, "ms to wait for an answer or a vote"),
            v("HXO_AUTO_AUDIT_AFTER_DEPLOY", Kind.BOOL, "true", "ARIE scans after each deploy"),
            n("HXO_MIGRATION_TIMEOUT", "600", 1, 86_400, "seconds a migration may drain the planner"),
            new Variable("HXO_ARTIFACTS_STORE", Kind.ENUM, "postgres", 0, 0, List.of("postgres", "directory"),
                    "where artifacts live: postgres (every planner instance reads them) or directory (one instance)"),
            v("HXO_ARTIFACTS_DIR", Kind.TEXT, null, "the artifact directory when HXO_ARTIFACTS_STORE=directory (default ./.hxo/artifacts)"),
            v("GENESIS_ENABLED", Kind.BOOL, "true", "bus routes answer; false gives 503"),
            v("NETLIFY_DEPLOY_HOOK", Kind.URL, null, "Netlify build hook called after a certified deploy"),
            v("RENDER_DEPLOY_HOOK", Kind.URL, null, "Render deploy hook"),
            v("RENDER_API_KEY", Kind.TOKEN, null, "Render API key: a rollback rolls the Render services back to their recorded deploys"),
            v("NETLIFY_AUTH_TOKEN", Kind.TOKEN, null, "Netlify access token: a rollback restores the recorded Netlify deploy"),
            v("HXO_RENDER_API_URL", Kind.URL, "https://api.render.com", "Render's API (a fake of it in tests)"),
            v("HXO_NETLIFY_API_URL", Kind.URL, "https://api.netlify.com", "Netlify's API (a fake of it in tests)"),
            v("HXO_CORS_ORIGINS", Kind.ORIGINS, null, "comma-separated origins allowed by CORS"),
            n("PORT", null, 1, 65535, "HTTP port of this service"),
            n("HXO_RATE_LIMIT_RPS", "100", 1, 1_000_000, "requests per second per principal"),
            n("HXO_RATE_LIMIT_BURST", "200", 1, 10_000_000, "burst size per principal"),
            n("HXO_REPLAY_WINDOW_MS", "300000", 1000, 86_400_000, "age beyond which a message is stale"),
            n("HXO_KAFKA_DELIVERY_TIMEOUT_MS", "120000", 1000, 86_400_000,
                    "how long the planner's producer retries a record before the planner sends it again itself"),
            n("HXO_SSE_BUFFER", "1000", 1, 1_000_000, "events waiting for one SSE client before it is cut off"),
            n("HXO_SSE_WINDOW", "10000", 1, 10_000_000, "recent feed events a gateway keeps for resumes"),
            n("HXO_STATUS_MAX_AGE_MS", "250", 0, 60_000, "how old a plan status the gateway serves may be"),
            n("HXO_HEARTBEAT_INTERVAL_MS", "1000", 100, 600_000, "how often each service announces itself"),
            v("HXO_ALLOW_WEAK_SECRETS", Kind.BOOL, "false", "accept secrets under 32 characters (never in production)"),
            v("HXO_ARIE_WORKSPACE", Kind.TEXT, null, "a directory every ARIE scan also covers (read only)"),
            v("HXO_ARIE_SCHEDULE", Kind.TEXT, "off", "interval between scheduled ARIE scans (6h, 30m) or off"),
            n("HXO_MANAGEMENT_PORT", "9000", 1, 65535,
                    "port of the management interface (/q/metrics for Prometheus, no token); keep it private"),
            v("OTEL_EXPORTER_OTLP_ENDPOINT", Kind.URL, null,
                    "OTLP collector for traces (e.g. http://localhost:4317); unset: no traces are made"),
            new Variable("OTEL_EXPORTER_OTLP_PROTOCOL", Kind.ENUM, "grpc", 0, 0, List.of("GRPC", "HTTP/PROTOBUF"),
                    "OTLP protocol: grpc or http/protobuf"),
            n("GENESIS_DLQ_GROWTH_THRESHOLD", "100", 1, 100_000_000,
                    "dead letters within the window above which genesis-bus raises dlq.growth"),
            n("GENESIS_DLQ_GROWTH_WINDOW_SECONDS", "300", 1, 86_400, "the window dlq.growth counts dead letters over"));

    private static final Set<String> BOOL_WORDS = Set.of("true", "false", "1", "0", "yes", "no", "on", "off");

    private EnvCatalog() {
    }

    public static Optional<Variable> find(String name) {
        return VARIABLES.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /**
     * Every problem with {@code env}: malformed values of any catalog variable, and variables in
     * {@code required} that are missing. Each entry is one line naming its variable.
     */
    public static List<String> problems(Map<String, String> env, Set<String> required) {
        List<String> out = new ArrayList<>();
        boolean weakAllowed = isTrue(env.get("HXO_ALLOW_WEAK_SECRETS"));
        for (Variable var : VARIABLES) {
            String value = env.get(var.name());
            if (value == null || value.isEmpty()) {
                if (required.contains(var.name())) {
                    out.add(var.name() + " is required (" + var.description() + ")");
                }
                continue;
            }
            check(var, value.trim(), weakAllowed).ifPresent(why -> out.add(var.name() + " " + why));
        }
        return out;
    }

    private static Optional<String> check(Variable var, String value, boolean weakAllowed) {
        switch (var.kind()) {
            case BOOL -> {
                if (!BOOL_WORDS.contains(value.toLowerCase(Locale.ROOT))) {
                    return Optional.of("must be true or false, got \"" + value + "\"");
                }
            }
            case INT -> {
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return Optional.of("must be a whole number, got \"" + value + "\"");
                }
                if (n < var.min() || n > var.max()) {
                    return Optional.of("must be between " + var.min() + " and " + var.max() + ", got " + n);
                }
            }
            case ENUM -> {
                if (!var.choices().contains(value.toUpperCase(Locale.ROOT))) {
                    return Optional.of("must be one of " + var.choices() + ", got \"" + value + "\"");
                }
            }
            case SECRET -> {
                if (value.length() < MIN_SECRET_LENGTH && !weakAllowed) {
                    return Optional.of("must be at least " + MIN_SECRET_LENGTH + " characters (got "
                            + value.length() + ")");
                }
            }
            case TOKEN -> {
                if (value.length() < 16 && !weakAllowed) {
                    return Optional.of("must be at least 16 characters (got " + value.length() + ")");
                }
            }
            case DATABASE_URL -> {
                try {
                    DatabaseUrl.parse(value);
                } catch (IllegalArgumentException e) {
                    return Optional.of(e.getMessage());
                }
            }
            case HOSTS -> {
                for (String hp : value.split(",")) {
                    if (!hp.trim().matches("[^:\\s]+:\\d{1,5}")) {
                        return Optional.of("must be host:port[,host:port], got \"" + value + "\"");
                    }
                }
            }
            case URL -> {
                if (!isHttpUrl(value)) {
                    return Optional.of("must be an http(s) URL");
                }
            }
            case ORIGINS -> {
                for (String o : value.split(",")) {
                    String origin = o.trim();
                    if (!origin.equals("*") && !isHttpUrl(origin)) {
                        return Optional.of("must be comma-separated http(s) origins, got \"" + origin + "\"");
                    }
                }
            }
            case DATE -> {
                try {
                    java.time.Instant.parse(value);
                } catch (java.time.format.DateTimeParseException e) {
                    try {
                        java.time.LocalDate.parse(value);
                    } catch (java.time.format.DateTimeParseException e2) {
                        return Optional.of("must be an ISO date (2026-01-31) or instant (2026-01-31T12:00:00Z), got \""
                                + value + "\"");
                    }
                }
            }
            case TEXT -> {
                // any value
            }
        }
        return Optional.empty();
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI u = new URI(value);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    public static boolean isTrue(String value) {
        return value != null && Arrays.asList("true", "1", "yes", "on").contains(value.trim().toLowerCase(Locale.ROOT));
    }

    private static Variable v(String name, Kind kind, String def, String description) {
        return new Variable(name, kind, def, 0, 0, List.of(), description);
    }

    private static Variable n(String name, String def, long min, long max, String description) {
        return new Variable(name, Kind.INT, def, min, max, List.of(), description);
    }
}
