package io.hxo.gateway.links;

import java.util.ArrayList;
import java.util.List;

/**
 * When a link is healthy, degraded, down or unknown (SPEC section 6). Pure: the registry hands it
 * what it observed and the time, so the rules are tested without waiting.
 *
 * <ul>
 * <li>{@code unknown}: neither a heartbeat nor a ping answer was ever received.</li>
 * <li>{@code down}: nothing (no heartbeat, no ping answer) for {@code HXO_FEDERATION_TIMEOUT}.</li>
 * <li>{@code degraded}: heard from within the timeout, but the newest heartbeat is late (older than
 * {@code late-heartbeats} intervals), or the last {@code failed-pings} pings went unanswered, or the
 * median of the recent round trips is over {@code slow-ping}, or the live instances report different
 * schema versions.</li>
 * <li>{@code healthy}: none of that.</li>
 * </ul>
 */
public final class LinkRules {
    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String DOWN = "down";
    public static final String UNKNOWN = "unknown";

    /** The thresholds, in milliseconds (and a count of pings). */
    public record Thresholds(long lateHeartbeatMs, long downMs, int failedPings, long slowPingMs) {
    }

    /**
     * What the registry observed of one link.
     *
     * @param heartbeatAgeMs age of the newest heartbeat, null if none was ever received
     * @param pongAgeMs age of the newest ping answer, null if none
     * @param consecutivePingFailures pings unanswered in a row, counted from the last answer
     * @param recentMedianRttMs median of the last few round trips, null if none
     * @param liveSchemaVersions how many distinct schema versions the live instances report
     */
    public record Observation(Long heartbeatAgeMs, Long pongAgeMs, int consecutivePingFailures,
            Double recentMedianRttMs, int liveSchemaVersions) {
    }

    /** The state and, unless healthy, why. */
    public record Verdict(String state, List<String> reasons) {
    }

    private final Thresholds t;

    public LinkRules(Thresholds thresholds) {
        this.t = thresholds;
    }

    public Verdict judge(Observation o) {
        if (o.heartbeatAgeMs() == null && o.pongAgeMs() == null) {
            return new Verdict(UNKNOWN, List.of("never heard from"));
        }
        long silence = Math.min(o.heartbeatAgeMs() == null ? Long.MAX_VALUE : o.heartbeatAgeMs(),
                o.pongAgeMs() == null ? Long.MAX_VALUE : o.pongAgeMs());
        if (silence > t.downMs()) {
            return new Verdict(DOWN, List.of("nothing heard for " + silence + " ms (timeout " + t.downMs() + " ms)"));
        }
        List<String> reasons = new ArrayList<>();
        if (o.heartbeatAgeMs() == null) {
            reasons.add("no heartbeat received");
        } else if (o.heartbeatAgeMs() > t.lateHeartbeatMs()) {
            reasons.add("heartbeat late: last one " + o.heartbeatAgeMs() + " ms ago");
        }
        if (o.consecutivePingFailures() >= t.failedPings()) {
            reasons.add(o.consecutivePingFailures() + " pings in a row unanswered");
        }
        if (o.recentMedianRttMs() != null && o.recentMedianRttMs() > t.slowPingMs()) {
            reasons.add("slow pings: recent median round trip " + Math.round(o.recentMedianRttMs()) + " ms (limit "
                    + t.slowPingMs() + " ms)");
        }
        if (o.liveSchemaVersions() > 1) {
            reasons.add("instances disagree on the schema version");
        }
        return reasons.isEmpty() ? new Verdict(HEALTHY, List.of()) : new Verdict(DEGRADED, List.copyOf(reasons));
    }
}
