package io.hxo.arie.rules;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The seed's hardening checklist as rules over the facts each service reports ({@code ConfigFacts}:
 * catalog variables lowercased with their effective value, secrets as {@code <name>_set},
 * {@code <name>_length}, {@code <name>_fingerprint}, the database URL as {@code database_user},
 * {@code database_password_set}, {@code database_host}).
 *
 * <p>Facts ARIE reads that {@code ConfigFacts} does not report yet, so their rules stay silent until
 * contracts adds them: {@code secret_key_rotated_at} and {@code seed_secret_rotated_at} (ISO-8601),
 * {@code hxo_https_enforced} (boolean), {@code database_password_fingerprint}.
 */
public final class ConfigRules {
    public static final String ZERO_TRUST = "HXO-CFG-001";
    public static final String QUANTUM_HASHING = "HXO-CFG-002";
    public static final String CONSENSUS_MODE = "HXO-CFG-003";
    public static final String SECRET_LENGTH = "HXO-CFG-004";
    public static final String SECRET_DEFAULT = "HXO-CFG-005";
    public static final String SECRET_ROTATION = "HXO-CFG-006";
    public static final String CORS_WILDCARD = "HXO-CFG-007";
    public static final String RATE_LIMIT = "HXO-CFG-008";
    public static final String HTTPS = "HXO-CFG-009";
    public static final String DATABASE_CREDENTIALS = "HXO-CFG-010";
    public static final String AUTO_AUDIT = "HXO-CFG-011";

    /** The secrets whose length and fingerprint are checked (the previous ones still verify during a rotation). */
    static final List<String> SECRETS = List.of("secret_key", "seed_secret", "secret_key_previous",
            "seed_secret_previous");
    /** The secrets that must have been rotated recently (the previous ones are being retired). */
    static final List<String> ROTATED_SECRETS = List.of("secret_key", "seed_secret");

    private ConfigRules() {
    }

    /** How one check reads a service's facts. */
    @FunctionalInterface
    interface Check {
        List<Hit> apply(String service, Facts facts, RuleContext context);
    }

    /** A config rule as data: its info plus the check. */
    record FactRule(RuleInfo info, Check check) implements ConfigRule {
        @Override
        public List<Hit> check(String service, Facts facts, RuleContext context) {
            return check.apply(service, facts, context);
        }
    }

    public static List<ConfigRule> all() {
        return List.of(
                mustBeOn(info(ZERO_TRUST, Severity.CRITICAL,
                        "Zero trust is off: unsigned, wrongly signed, stale or replayed Kafka messages are accepted.",
                        "Set HXO_ZERO_TRUST=true (the default) on every service."),
                        "hxo_zero_trust", "HXO_ZERO_TRUST is off"),
                mustBeOn(info(QUANTUM_HASHING, Severity.MEDIUM,
                        "Quantum hashing is off: ids, Merkle trees and signatures use SHA-256 instead of SHA3-256.",
                        "Set HXO_QUANTUM_HASHING=true (the default) on every service."),
                        "hxo_quantum_hashing", "HXO_QUANTUM_HASHING is off"),
                new FactRule(info(CONSENSUS_MODE, Severity.MEDIUM,
                        "Consensus is not HARMONIC: a root can be certified without every validator agreeing.",
                        "Set HXO_CONSENSUS_MODE=HARMONIC (the default)."),
                        ConfigRules::consensusMode),
                new FactRule(info(SECRET_LENGTH, Severity.HIGH,
                        "A secret (SECRET_KEY, SEED_SECRET or its previous value) is shorter than 32 characters.",
                        "Generate a secret of at least 32 characters, e.g. `openssl rand -hex 32`, and rotate to it."),
                        ConfigRules::secretLength),
                new FactRule(info(SECRET_DEFAULT, Severity.CRITICAL,
                        "A secret is a well-known default value (its fingerprint matches one).",
                        "Replace it with a freshly generated secret (`openssl rand -hex 32`) and rotate."),
                        ConfigRules::secretDefault),
                new FactRule(info(SECRET_ROTATION, Severity.MEDIUM,
                        "SECRET_KEY or SEED_SECRET was last rotated longer ago than the allowed age (90 days).",
                        "Rotate the secret: set the new value and keep the old one as *_PREVIOUS until every "
                                + "service runs with it (docs/DEPLOY.md)."),
                        ConfigRules::secretRotation),
                new FactRule(info(CORS_WILDCARD, Severity.HIGH,
                        "CORS admits any origin (HXO_CORS_ORIGINS contains *).",
                        "List the exact origins of the consoles that call the API in HXO_CORS_ORIGINS."),
                        ConfigRules::corsWildcard),
                new FactRule(info(RATE_LIMIT, Severity.MEDIUM,
                        "Rate limiting is off (HXO_RATE_LIMIT_RPS is not a positive number).",
                        "Set HXO_RATE_LIMIT_RPS to a positive number of requests per second (default 100)."),
                        ConfigRules::rateLimit),
                new FactRule(info(HTTPS, Severity.HIGH,
                        "HTTPS is not enforced: the service reports it off, or CORS admits a plain-HTTP origin "
                                + "that is not on this machine.",
                        "Serve the API behind TLS with the HTTPS redirect on, and list only https:// origins "
                                + "(http://localhost is fine for development)."),
                        ConfigRules::https),
                new FactRule(info(DATABASE_CREDENTIALS, Severity.HIGH,
                        "The database is reached with default credentials: no password, or a default user with a "
                                + "well-known password.",
                        "Give DATABASE_URL a dedicated user with a generated password, e.g. "
                                + "postgresql://hxo:<openssl rand -hex 24>@host/hxo."),
                        ConfigRules::databaseCredentials),
                mustBeOn(info(AUTO_AUDIT, Severity.LOW,
                        "Auto-audit after deploy is off: deploys are not scanned unless someone asks.",
                        "Set HXO_AUTO_AUDIT_AFTER_DEPLOY=true (the default)."),
                        "hxo_auto_audit_after_deploy", "HXO_AUTO_AUDIT_AFTER_DEPLOY is off"));
    }

    private static RuleInfo info(String id, Severity severity, String description, String fix) {
        return new RuleInfo(id, severity, RuleScope.CONFIG, description, fix);
    }

    /** A boolean fact that must be on; absent means not reported, so not judged. */
    static ConfigRule mustBeOn(RuleInfo info, String fact, String message) {
        return new FactRule(info, (service, facts, ctx) -> facts.flag(fact).filter(on -> !on)
                .map(off -> List.of(new Hit(Location.ofFact(service, fact), message + " on " + service + ".", "off")))
                .orElse(List.of()));
    }

    private static List<Hit> consensusMode(String service, Facts facts, RuleContext ctx) {
        return facts.text("hxo_consensus_mode")
                .map(mode -> mode.toUpperCase(Locale.ROOT))
                .filter(mode -> !mode.equals("HARMONIC"))
                .map(mode -> List.of(new Hit(Location.ofFact(service, "hxo_consensus_mode"),
                        "HXO_CONSENSUS_MODE is " + mode + " on " + service + ", not HARMONIC.", mode)))
                .orElse(List.of());
    }

    private static List<Hit> secretLength(String service, Facts facts, RuleContext ctx) {
        List<Hit> hits = new ArrayList<>();
        for (String secret : SECRETS) {
            if (!facts.flag(secret + "_set").orElse(false)) {
                continue;
            }
            Optional<Long> length = facts.number(secret + "_length");
            if (length.isPresent() && length.get() < 32) {
                hits.add(new Hit(Location.ofFact(service, secret + "_length"),
                        upper(secret) + " on " + service + " is " + length.get() + " characters long, under 32.",
                        "under-32"));
            }
        }
        return hits;
    }

    private static List<Hit> secretDefault(String service, Facts facts, RuleContext ctx) {
        List<Hit> hits = new ArrayList<>();
        for (String secret : SECRETS) {
            facts.text(secret + "_fingerprint")
                    .filter(fp -> ctx.knownDefaultSecretFingerprints().contains(fp))
                    .ifPresent(fp -> hits.add(new Hit(Location.ofFact(service, secret + "_fingerprint"),
                            upper(secret) + " on " + service + " is a well-known default value.", fp)));
        }
        return hits;
    }

    private static List<Hit> secretRotation(String service, Facts facts, RuleContext ctx) {
        List<Hit> hits = new ArrayList<>();
        for (String secret : ROTATED_SECRETS) {
            String fact = secret + "_rotated_at";
            if (!facts.has(fact)) {
                continue;
            }
            Optional<Instant> at = facts.instant(fact);
            if (at.isEmpty()) {
                hits.add(new Hit(Location.ofFact(service, fact), upper(secret) + " on " + service
                        + " reports an unreadable rotation date \"" + facts.text(fact).orElse("") + "\".", "unreadable"));
                continue;
            }
            long days = Duration.between(at.get(), ctx.now()).toDays();
            if (days > ctx.maxSecretAgeDays()) {
                String date = at.get().atOffset(ZoneOffset.UTC).toLocalDate().toString();
                hits.add(new Hit(Location.ofFact(service, fact), upper(secret) + " on " + service
                        + " was last rotated on " + date + ", " + days + " days ago (limit " + ctx.maxSecretAgeDays()
                        + ").", "rotated-at:" + date));
            }
        }
        return hits;
    }

    private static List<Hit> corsWildcard(String service, Facts facts, RuleContext ctx) {
        return facts.text("hxo_cors_origins")
                .filter(origins -> origins(origins).contains("*"))
                .map(origins -> List.of(new Hit(Location.ofFact(service, "hxo_cors_origins"),
                        "HXO_CORS_ORIGINS on " + service + " admits any origin (*).", "*")))
                .orElse(List.of());
    }

    private static List<Hit> rateLimit(String service, Facts facts, RuleContext ctx) {
        if (!facts.has("hxo_rate_limit_rps")) {
            return List.of();
        }
        Optional<Long> rps = facts.number("hxo_rate_limit_rps");
        if (rps.isPresent() && rps.get() > 0) {
            return List.of();
        }
        String shown = facts.text("hxo_rate_limit_rps").orElse("");
        return List.of(new Hit(Location.ofFact(service, "hxo_rate_limit_rps"),
                "HXO_RATE_LIMIT_RPS on " + service + " is \"" + shown + "\": rate limiting is off.", "off"));
    }

    private static List<Hit> https(String service, Facts facts, RuleContext ctx) {
        List<Hit> hits = new ArrayList<>();
        if (facts.flag("hxo_https_enforced").map(on -> !on).orElse(false)) {
            hits.add(new Hit(Location.ofFact(service, "hxo_https_enforced"),
                    service + " reports HTTPS not enforced.", "off"));
        }
        facts.text("hxo_cors_origins").ifPresent(origins -> {
            for (String origin : origins(origins)) {
                if (origin.toLowerCase(Locale.ROOT).startsWith("http://") && !isLoopback(origin)) {
                    hits.add(new Hit(Location.ofFact(service, "hxo_cors_origins"), "HXO_CORS_ORIGINS on " + service
                            + " admits the plain-HTTP origin " + origin + ".", "http-origin:" + origin.toLowerCase(Locale.ROOT)));
                }
            }
        });
        return hits;
    }

    private static List<Hit> databaseCredentials(String service, Facts facts, RuleContext ctx) {
        if (!facts.has("database_user") && !facts.has("database_password_set")) {
            return List.of();
        }
        String user = facts.text("database_user").orElse("");
        boolean passwordSet = facts.flag("database_password_set").orElse(false);
        String who = user.isEmpty() ? "no user" : "user " + user;
        if (!passwordSet) {
            return List.of(new Hit(Location.ofFact(service, "database_password_set"),
                    "DATABASE_URL on " + service + " names " + who + " and no password.", "user=" + user + ";password=none"));
        }
        Optional<String> fp = facts.text("database_password_fingerprint")
                .filter(f -> ctx.knownDefaultSecretFingerprints().contains(f));
        if (fp.isPresent()) {
            return List.of(new Hit(Location.ofFact(service, "database_password_fingerprint"),
                    "DATABASE_URL on " + service + " gives " + who + " a well-known default password.",
                    "user=" + user + ";password=" + fp.get()));
        }
        return List.of(); // a password whose value we cannot see is not judged
    }

    static List<String> origins(String list) {
        List<String> out = new ArrayList<>();
        for (String o : list.split(",")) {
            if (!o.isBlank()) {
                out.add(o.trim());
            }
        }
        return out;
    }

    private static boolean isLoopback(String origin) {
        try {
            String host = URI.create(origin).getHost();
            return host != null && (host.equalsIgnoreCase("localhost") || host.startsWith("127.")
                    || host.equals("[::1]") || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String upper(String fact) {
        return fact.toUpperCase(Locale.ROOT);
    }
}
