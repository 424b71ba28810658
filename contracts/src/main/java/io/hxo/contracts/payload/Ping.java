package io.hxo.contracts.payload;

import java.time.Instant;

/**
 * {@code federation.ping}: the gateway's round-trip probe, sent on each service's
 * {@code <svc>.commands} topic. Every service answers it at once with a 200 {@link Pong}, touching
 * nothing; the gateway times the round trip to judge the link's latency.
 */
public record Ping(Instant sentAt) {
    public static final String TYPE = "federation.ping";

    /** The answer's body: who answered (its CloudEvents {@code source}) and when. */
    public record Pong(String source, Instant at) {
    }
}
