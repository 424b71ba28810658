package io.hxo.gateway.links;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pings every link through Kafka and re-judges the links' states, raising {@code federation.degraded}
 * and {@code federation.recovered} on {@code hxo.alert} when a state changes. Any answer to a ping
 * counts, even a problem: it proves the command path to the service works end to end.
 *
 * <p>Every gateway instance watches the links (each serves {@code /api/hxo/links/health}), but only
 * one raises the alerts, so an operator gets one alert per transition however many gateways run: the
 * live instance (by heartbeat) with the smallest instance id.
 */
@ApplicationScoped
public class LinkWatch {
    /** Where each peer takes commands. */
    static final Map<String, Topic> COMMAND_TOPICS = Map.of(
            "hxo-planner", Topic.HXO_COMMANDS,
            "genesis-bus", Topic.GENESIS_COMMANDS,
            "arie-auditor", Topic.ARIE_COMMANDS);

    private final LinkRegistry links;
    private final CommandBus commands;
    private final HxoPublisher publisher;
    private final LinkTransitions transitions = new LinkTransitions();
    private final Duration pingTimeout;
    private final String instanceId;

    public LinkWatch(LinkRegistry links, CommandBus commands, HxoPublisher publisher, GatewayConfig config) {
        this.links = links;
        this.commands = commands;
        this.publisher = publisher;
        this.pingTimeout = Duration.ofMillis(Math.min(config.links().pingTimeout().toMillis(), config.federationTimeout()));
        this.instanceId = config.instanceId();
    }

    @Scheduled(every = "${hxo.links.ping-interval:2s}", delayed = "${hxo.links.ping-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pingAll() {
        for (Peer peer : peers()) {
            ping(peer.service(), peer.topic());
        }
    }

    private record Peer(String service, Topic topic) {
    }

    private Iterable<Peer> peers() {
        return links.links().stream().filter(l -> COMMAND_TOPICS.containsKey(l.service()))
                .map(l -> new Peer(l.service(), COMMAND_TOPICS.get(l.service()))).toList();
    }

    void ping(String service, Topic topic) {
        long start = System.nanoTime();
        links.onPingSent(service);
        commands.request(topic, Ping.TYPE, "ping", new Ping(Instant.now()))
                .ifNoItem().after(pingTimeout).fail()
                .subscribe().with(
                        reply -> links.onPong(service, Duration.ofNanos(System.nanoTime() - start)),
                        failure -> links.onPingFailed(service));
    }

    @Scheduled(every = "${hxo.links.check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            boolean alerting = raisesAlerts(instanceId,
                    links.live(GATEWAY).stream().map(Events.Heartbeat::instance).toList());
            for (LinkRegistry.Link link : links.links()) {
                // Every instance follows the transitions, so the one that takes over knows where each link stands.
                transitions.observe(link.service(), link.state()).filter(type -> alerting)
                        .ifPresent(type -> alert(type, link));
            }
        } catch (RuntimeException e) {
            Log.warnf(e, "link check failed");
        }
    }

    static final String GATEWAY = "federation-gateway";

    /** Whether {@code self} raises the link alerts: no live gateway instance has a smaller id. */
    static boolean raisesAlerts(String self, java.util.Collection<String> liveGateways) {
        return liveGateways.stream().noneMatch(other -> other.compareTo(self) < 0);
    }

    private void alert(String type, LinkRegistry.Link link) {
        boolean degraded = LinkTransitions.DEGRADED.equals(type);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", link.state());
        details.put("reasons", link.reasons());
        details.put("last_seen", link.lastSeen() == null ? null : link.lastSeen().toString());
        details.put("rtt_p50_ms", link.rttMs().p50());
        details.put("rtt_p99_ms", link.rttMs().p99());
        details.put("instances", link.instances().stream().map(LinkRegistry.InstanceView::instance).toList());
        String message = degraded
                ? "link to " + link.service() + " is " + link.state() + ": " + String.join("; ", link.reasons())
                : "link to " + link.service() + " is healthy again";
        publisher.emit(Topic.HXO_ALERT, link.service(), new Events.Alert(type, degraded ? "warning" : "info", null,
                link.service(), message, details)).whenComplete((md, e) -> {
                    if (e != null) {
                        Log.warnf("alert %s for %s not published: %s", type, link.service(), e.getMessage());
                    }
                });
        Log.infof("%s: %s", type, message);
    }
}
