package io.hxo.gateway.links;

import io.hxo.contracts.payload.Events;
import io.hxo.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What the gateway knows of each peer: its instances' heartbeats and the round trips of the
 * gateway's pings. {@link LinkRules} turns that into the link's state. Round-trip times go into an
 * HdrHistogram per link that covers the last one to two {@code rtt-window}s (two halves, the older
 * dropped at each rotation), for p50/p99.
 */
@ApplicationScoped
public class LinkRegistry {
    /** Round trips over this many recent pings make the "slow" rule's median. */
    static final int RECENT_PINGS = 5;
    private static final long MAX_RTT_US = Duration.ofMinutes(5).toNanos() / 1000;

    private final Map<String, Map<String, Seen>> byService = new ConcurrentHashMap<>();
    private final Map<String, Pings> pings = new ConcurrentHashMap<>();
    private final List<String> peers;
    private final LinkRules rules;
    private final long downMs;
    private final long rttWindowMs;
    private final Clock clock;

    @Inject
    public LinkRegistry(GatewayConfig config) {
        this(config.links().peers(), thresholds(config), config.links().rttWindow().toMillis(), Clock.systemUTC());
    }

    public LinkRegistry(List<String> peers, LinkRules.Thresholds thresholds, long rttWindowMs, Clock clock) {
        this.peers = List.copyOf(peers);
        this.rules = new LinkRules(thresholds);
        this.downMs = thresholds.downMs();
        this.rttWindowMs = rttWindowMs;
        this.clock = clock;
    }

    static LinkRules.Thresholds thresholds(GatewayConfig config) {
        GatewayConfig.Links l = config.links();
        return new LinkRules.Thresholds(l.lateHeartbeats() * config.heartbeatIntervalMs(), config.federationTimeout(),
                l.failedPings(), l.slowPing().toMillis());
    }

    record Seen(Events.Heartbeat heartbeat, Instant at) {
    }

    @Schema(name = "LinkInstance", description = "A live instance of the service, from its heartbeats")
    public record InstanceView(String instance, String version, String schemaVersion, Instant startedAt,
            Instant lastSeen, long ageMs, Map<String, Double> load) {
    }

    /** Round trips in milliseconds over the recent window. */
    @Schema(name = "RoundTrips", description = "Ping round trips in milliseconds over the recent window")
    public record Rtt(Double p50, Double p99, Double max, long samples) {
    }

    @Schema(name = "Pings")
    public record PingView(long sent, long answered, long unanswered, int consecutiveFailures, Instant lastAnswer) {
    }

    @Schema(name = "Link", description = "One peer service as this gateway sees it")
    public record Link(@Schema(required = true, examples = "hxo-planner") String service,
            @Schema(required = true, enumeration = {"healthy", "degraded", "down", "unknown"}) String state,
            Instant lastSeen, Long ageMs, List<InstanceView> instances,
            @Schema(description = "Why the link is not healthy") List<String> reasons, List<String> versions,
            List<String> schemaVersions, Rtt rttMs, PingView pings) {
    }

    public void onHeartbeat(Events.Heartbeat hb) {
        if (hb.service() == null || hb.instance() == null) {
            return;
        }
        byService.computeIfAbsent(hb.service(), s -> new ConcurrentHashMap<>()).put(hb.instance(),
                new Seen(hb, clock.instant()));
    }

    /** A ping to the service was answered after {@code rtt}. */
    public void onPong(String service, Duration rtt) {
        pings(service).answered(clock.instant(), rtt);
    }

    /** A ping to the service went unanswered (or could not be sent). */
    public void onPingFailed(String service) {
        pings(service).failed();
    }

    /** A ping to the service is about to go out. */
    public void onPingSent(String service) {
        pings(service).sent();
    }

    private Pings pings(String service) {
        return this.pings.computeIfAbsent(service, s -> new Pings(clock.millis(), rttWindowMs));
    }

    /** The latest heartbeat of every instance of a service heard from within the down timeout. */
    public List<Events.Heartbeat> live(String service) {
        Instant now = clock.instant();
        return byService.getOrDefault(service, Map.of()).values().stream()
                .filter(s -> Duration.between(s.at(), now).toMillis() <= downMs)
                .map(Seen::heartbeat).toList();
    }

    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (String service : peers) {
            out.add(link(service));
        }
        return out;
    }

    Link link(String service) {
        Instant now = clock.instant();
        Map<String, Seen> seen = byService.getOrDefault(service, Map.of());
        // An instance silent for ten timeouts is gone, not merely down.
        seen.values().removeIf(s -> Duration.between(s.at(), now).toMillis() > 10 * downMs);
        List<InstanceView> instances = seen.values().stream()
                .sorted(Comparator.comparing(Seen::at).reversed())
                .map(s -> new InstanceView(s.heartbeat().instance(), s.heartbeat().version(),
                        s.heartbeat().schemaVersion(), s.heartbeat().startedAt(), s.at(),
                        Duration.between(s.at(), now).toMillis(), s.heartbeat().load()))
                .toList();
        List<InstanceView> live = instances.stream().filter(i -> i.ageMs() <= downMs).toList();
        Pings p = pings.get(service);
        Pings.Snapshot ps = p == null ? Pings.Snapshot.NONE : p.snapshot(clock.millis());
        Long heartbeatAge = instances.isEmpty() ? null : instances.get(0).ageMs();
        Long pongAge = ps.lastAnswer() == null ? null : Duration.between(ps.lastAnswer(), now).toMillis();
        LinkRules.Verdict verdict = rules.judge(new LinkRules.Observation(heartbeatAge, pongAge,
                ps.consecutiveFailures(), ps.recentMedianMs(),
                (int) live.stream().map(InstanceView::schemaVersion).distinct().count()));
        Instant lastSeen = latest(instances.isEmpty() ? null : instances.get(0).lastSeen(), ps.lastAnswer());
        return new Link(service, verdict.state(), lastSeen,
                lastSeen == null ? null : Duration.between(lastSeen, now).toMillis(), instances, verdict.reasons(),
                live.stream().map(InstanceView::version).distinct().sorted().toList(),
                live.stream().map(InstanceView::schemaVersion).distinct().sorted().toList(), ps.rtt(),
                new PingView(ps.sent(), ps.answered(), ps.unanswered(), ps.consecutiveFailures(), ps.lastAnswer()));
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /** One link's ping record. */
    static final class Pings {
        record Snapshot(long sent, long answered, long unanswered, int consecutiveFailures, Instant lastAnswer,
                Double recentMedianMs, Rtt rtt) {
            static final Snapshot NONE = new Snapshot(0, 0, 0, 0, null, null, new Rtt(null, null, null, 0));
        }

        private final long windowMs;
        private Histogram current = histogram();
        private Histogram previous = histogram();
        private long rotatedAt;
        private final ArrayDeque<Long> recentUs = new ArrayDeque<>();
        private long sent;
        private long answered;
        private long unanswered;
        private int consecutiveFailures;
        private Instant lastAnswer;

        Pings(long nowMs, long windowMs) {
            this.rotatedAt = nowMs;
            this.windowMs = windowMs;
        }

        private static Histogram histogram() {
            return new Histogram(MAX_RTT_US, 3);
        }

        synchronized void sent() {
            sent++;
        }

        synchronized void answered(Instant at, Duration rtt) {
            long us = Math.max(1, Math.min(MAX_RTT_US, rtt.toNanos() / 1000));
            rotate(at.toEpochMilli());
            current.recordValue(us);
            recentUs.addLast(us);
            while (recentUs.size() > RECENT_PINGS) {
                recentUs.removeFirst();
            }
            answered++;
            consecutiveFailures = 0;
            lastAnswer = at;
        }

        synchronized void failed() {
            unanswered++;
            consecutiveFailures++;
        }

        /** At each window's end the current half becomes the previous one; two windows of silence clear both. */
        private void rotate(long nowMs) {
            if (nowMs - rotatedAt >= 2 * windowMs) {
                previous = histogram();
                current = histogram();
                rotatedAt = nowMs;
            } else if (nowMs - rotatedAt >= windowMs) {
                previous = current;
                current = histogram();
                rotatedAt = nowMs;
            }
        }

        synchronized Snapshot snapshot(long nowMs) {
            rotate(nowMs);
            Histogram both = current.copy();
            both.add(previous);
            Rtt rtt = both.getTotalCount() == 0 ? new Rtt(null, null, null, 0)
                    : new Rtt(ms(both.getValueAtPercentile(50)), ms(both.getValueAtPercentile(99)),
                            ms(both.getMaxValue()), both.getTotalCount());
            Double median = null;
            if (!recentUs.isEmpty()) {
                long[] sorted = recentUs.stream().mapToLong(Long::longValue).sorted().toArray();
                median = ms(sorted[sorted.length / 2]);
            }
            return new Snapshot(sent, answered, unanswered, consecutiveFailures, lastAnswer, median, rtt);
        }

        private static double ms(long us) {
            return Math.round(us / 10.0) / 100.0;
        }
    }

    /** For the health summary: each peer's state by name. */
    public Map<String, String> states() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Link l : links()) {
            out.put(l.service(), l.state());
        }
        return out;
    }
}
