package io.hxo.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The gateway's settings; environment variables map onto them (SPEC section 7). */
@ConfigMapping(prefix = "hxo")
public interface GatewayConfig {
    String instanceId();

    /** {@code ADMIRAL_TOKEN}: bearer token with every right. */
    Optional<String> admiralToken();

    /** {@code CAPTAIN_TOKEN}: bearer token with read rights. */
    Optional<String> captainToken();

    /** {@code HXO_FEDERATION_TIMEOUT}: how long a forwarded command may wait for its answer, in ms. */
    @WithDefault("5000")
    long federationTimeout();

    @WithDefault("1000")
    long heartbeatIntervalMs();

    /** {@code HXO_MIGRATION_TIMEOUT}: seconds {@code POST /api/system/migrate} waits for the planners to drain. */
    @WithDefault("600")
    long migrationTimeout();

    /**
     * {@code HXO_ZDU_ENABLED}: migrations drain the planners and keep the API answering (true), or stop
     * the world: the API answers 503 and the planners stop at once while the services migrate (false).
     */
    @WithDefault("true")
    boolean zduEnabled();

    /**
     * {@code HXO_HTTPS_REDIRECT}: behind a TLS-terminating proxy, plain HTTP is redirected to HTTPS and
     * HTTPS answers carry HSTS. Reported to ARIE as the fact {@code hxo_https_enforced}.
     */
    @WithDefault("true")
    boolean httpsRedirect();

    /** {@code HXO_CONSENSUS_MODE}: HARMONIC (every validator agrees) or QUORUM (a majority). */
    @WithDefault("HARMONIC")
    ConsensusMode consensusMode();

    /** {@code HXO_CORS_ORIGINS}: origins allowed by CORS; none when unset. */
    Optional<List<String>> corsOrigins();

    /**
     * {@code HXO_STATUS_MAX_AGE_MS}: how old a plan status served to a caller may be; requests within it
     * share one planner query. 0 asks the planner every time.
     */
    @WithDefault("250")
    long statusMaxAgeMs();

    /** {@code HXO_RATE_LIMIT_RPS}: requests per second per principal. */
    @WithDefault("100")
    int rateLimitRps();

    /** {@code HXO_RATE_LIMIT_BURST}: burst per principal. */
    @WithDefault("200")
    int rateLimitBurst();

    /** {@code SECRET_KEY}: signs short-lived tokens (HS256 JWTs; at least 32 bytes). */
    Optional<String> secretKey();

    /** {@code SECRET_KEY_PREVIOUS}: still accepted during a rotation. */
    Optional<String> secretKeyPrevious();

    Tokens tokens();

    /** Short-lived tokens ({@code POST /api/auth/token}): JWTs signed with {@code SECRET_KEY}. */
    interface Tokens {
        /** Lifetime of a token when the request names none. */
        @WithDefault("15m")
        java.time.Duration defaultTtl();

        /** The longest lifetime a token may be given; a token that claims to live longer is refused. */
        @WithDefault("1h")
        java.time.Duration maxTtl();

        /** The {@code iss} claim this gateway signs and requires. */
        @WithDefault("hxo-federation-gateway")
        String issuer();

        /** The {@code aud} claim this gateway signs and requires. */
        @WithDefault("hxo")
        String audience();

        /** How far the clocks of the gateway instances may disagree when {@code exp} is checked. */
        @WithDefault("5s")
        java.time.Duration clockSkew();
    }

    /** {@code GENESIS_ENABLED}: when false the bus routes answer 503. */
    @WithDefault("true")
    boolean genesisEnabled();

    Sse sse();

    /** Server-Sent Events subscribers. */
    interface Sse {
        /** Events waiting to be written to one client before it is cut off as too slow. */
        @WithDefault("1000")
        int buffer();

        /** Recent feed events this gateway keeps, so a resume close to now needs no history query. */
        @WithDefault("10000")
        int window();

        /** How often idle streams get a keep-alive comment. */
        @WithDefault("15s")
        java.time.Duration keepAlive();
    }

    enum ConsensusMode { HARMONIC, QUORUM }

    Consensus consensus();

    interface Consensus {
        /** The services whose votes a round waits for. */
        @WithDefault("hxo-planner,genesis-bus,arie-auditor")
        List<String> validators();
    }

    Links links();

    interface Links {
        /** The services whose links the gateway watches. */
        List<String> peers();

        /** How often each link is pinged through its {@code <svc>.commands} topic. */
        @WithDefault("2s")
        java.time.Duration pingInterval();

        /** A ping not answered within this is a failed ping (capped at {@code HXO_FEDERATION_TIMEOUT}). */
        @WithDefault("1s")
        java.time.Duration pingTimeout();

        /** This many unanswered pings in a row make a link degraded. */
        @WithDefault("2")
        int failedPings();

        /** A median round trip over the last few pings above this makes a link degraded. */
        @WithDefault("1s")
        java.time.Duration slowPing();

        /** A heartbeat older than this many heartbeat intervals is late: the link is degraded. */
        @WithDefault("3")
        int lateHeartbeats();

        /** RTT p50/p99 cover the last one to two of these windows. */
        @WithDefault("60s")
        java.time.Duration rttWindow();

        /** How often link states are re-judged (and alerts raised on a change). */
        @WithDefault("1s")
        java.time.Duration checkInterval();
    }
}
