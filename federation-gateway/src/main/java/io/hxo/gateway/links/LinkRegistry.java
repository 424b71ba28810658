package io.hxo.gateway.links;

import io.hxo.contracts.payload.Events;
import io.hxo.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway knows of each peer from its heartbeats. A link is {@code healthy} while an
 * instance was heard from within three heartbeat intervals, {@code degraded} after that (or when
 * its instances disagree on the schema version), {@code down} when nothing came for
 * {@code HXO_FEDERATION_TIMEOUT}, and {@code unknown} before the first heartbeat.
 */
@ApplicationScoped
public class LinkRegistry {
    private final Map<String, Map<String, Seen>> byService = new ConcurrentHashMap<>();
    private final GatewayConfig config;

    public LinkRegistry(GatewayConfig config) {
        this.config = config;
    }

    record Seen(Events.Heartbeat heartbeat, Instant at) {
    }

    public record InstanceView(String instance, String version, String schemaVersion, Instant startedAt,
            Instant lastSeen, long ageMs, Map<String, Double> load) {
    }

    public record Link(String service, String state, Instant lastSeen, Long ageMs, List<InstanceView> instances) {
    }

    public void onHeartbeat(Events.Heartbeat hb) {
        if (hb.service() == null || hb.instance() == null) {
            return;
        }
        byService.computeIfAbsent(hb.service(), s -> new ConcurrentHashMap<>()).put(hb.instance(), new Seen(hb, Instant.now()));
    }

    /** The latest heartbeat of every instance of a service heard from within the down timeout. */
    public List<Events.Heartbeat> live(String service) {
        Instant now = Instant.now();
        return byService.getOrDefault(service, Map.of()).values().stream()
                .filter(s -> Duration.between(s.at(), now).toMillis() <= config.federationTimeout())
                .map(Seen::heartbeat).toList();
    }

    public List<Link> links() {
        Instant now = Instant.now();
        long healthyMs = 3 * config.heartbeatIntervalMs();
        long downMs = config.federationTimeout();
        List<Link> out = new ArrayList<>();
        for (String service : config.links().peers()) {
            Map<String, Seen> seen = byService.getOrDefault(service, Map.of());
            // An instance silent for ten timeouts is gone, not merely down.
            seen.values().removeIf(s -> Duration.between(s.at(), now).toMillis() > 10 * downMs);
            List<InstanceView> instances = seen.values().stream()
                    .sorted(Comparator.comparing(Seen::at).reversed())
                    .map(s -> new InstanceView(s.heartbeat().instance(), s.heartbeat().version(),
                            s.heartbeat().schemaVersion(), s.heartbeat().startedAt(), s.at(),
                            Duration.between(s.at(), now).toMillis(), s.heartbeat().load()))
                    .toList();
            if (instances.isEmpty()) {
                out.add(new Link(service, "unknown", null, null, instances));
                continue;
            }
            long age = instances.get(0).ageMs();
            boolean schemasAgree = instances.stream().map(InstanceView::schemaVersion).distinct().count() == 1;
            String state = age > downMs ? "down" : age > healthyMs || !schemasAgree ? "degraded" : "healthy";
            out.add(new Link(service, state, instances.get(0).lastSeen(), age, instances));
        }
        return out;
    }
}
