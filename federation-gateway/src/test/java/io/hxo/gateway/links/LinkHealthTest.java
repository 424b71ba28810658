package io.hxo.gateway.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.payload.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The link state rules and the alerts on transitions, on a clock the test moves. */
class LinkHealthTest {
    /** Heartbeat every 1 s, late after 3 s, down after 5 s, 2 failed pings, slow over 500 ms. */
    static final LinkRules.Thresholds T = new LinkRules.Thresholds(3000, 5000, 2, 500);

    final MovableClock clock = new MovableClock();
    final LinkRegistry registry = new LinkRegistry(List.of("arie-auditor", "genesis-bus"), T, 60_000, clock);

    void beat(String service, String instance, String schema) {
        registry.onHeartbeat(new Events.Heartbeat(service, instance, "1.0", schema, clock.instant(), clock.instant(),
                Map.of(), Map.of()));
    }

    LinkRegistry.Link arie() {
        return registry.links().get(0);
    }

    @Test
    void aLinkNeverHeardFromIsUnknown() {
        assertThat(arie().state()).isEqualTo("unknown");
        assertThat(arie().lastSeen()).isNull();
        assertThat(arie().rttMs().samples()).isZero();
    }

    @Test
    void freshHeartbeatsAndAnsweredPingsAreHealthyWithPercentiles() {
        beat("arie-auditor", "a1", "3");
        for (int ms = 1; ms <= 100; ms++) {
            registry.onPong("arie-auditor", Duration.ofMillis(ms));
        }
        LinkRegistry.Link l = arie();
        assertThat(l.state()).isEqualTo("healthy");
        assertThat(l.reasons()).isEmpty();
        assertThat(l.rttMs().samples()).isEqualTo(100);
        assertThat(l.rttMs().p50()).isBetween(49.0, 51.0);
        assertThat(l.rttMs().p99()).isBetween(98.0, 100.0);
        assertThat(l.versions()).containsExactly("1.0");
        assertThat(l.schemaVersions()).containsExactly("3");
    }

    @Test
    void aLateHeartbeatDegradesThenSilenceForTheTimeoutIsDown() {
        beat("arie-auditor", "a1", "3");
        clock.advance(3000);
        assertThat(arie().state()).isEqualTo("healthy");
        clock.advance(1);
        assertThat(arie().state()).isEqualTo("degraded");
        assertThat(arie().reasons()).anySatisfy(r -> assertThat(r).contains("heartbeat late"));
        clock.advance(1999);
        assertThat(arie().state()).isEqualTo("degraded");
        clock.advance(1);
        assertThat(arie().state()).isEqualTo("down");
        beat("arie-auditor", "a2", "3");
        assertThat(arie().state()).isEqualTo("healthy");
    }

    @Test
    void pingsUnansweredInARowDegradeAndOneAnswerRestores() {
        beat("arie-auditor", "a1", "3");
        registry.onPingFailed("arie-auditor");
        assertThat(arie().state()).isEqualTo("healthy");
        registry.onPingFailed("arie-auditor");
        assertThat(arie().state()).isEqualTo("degraded");
        assertThat(arie().reasons()).anySatisfy(r -> assertThat(r).contains("2 pings in a row unanswered"));
        assertThat(arie().pings().unanswered()).isEqualTo(2);
        registry.onPong("arie-auditor", Duration.ofMillis(4));
        assertThat(arie().state()).isEqualTo("healthy");
    }

    @Test
    void slowPingsDegradeByTheirRecentMedianNotByOneOutlier() {
        beat("arie-auditor", "a1", "3");
        registry.onPong("arie-auditor", Duration.ofMillis(5));
        registry.onPong("arie-auditor", Duration.ofMillis(900));
        registry.onPong("arie-auditor", Duration.ofMillis(6));
        assertThat(arie().state()).isEqualTo("healthy");
        for (int i = 0; i < LinkRegistry.RECENT_PINGS; i++) {
            registry.onPong("arie-auditor", Duration.ofMillis(800));
        }
        assertThat(arie().state()).isEqualTo("degraded");
        assertThat(arie().reasons()).anySatisfy(r -> assertThat(r).contains("slow pings"));
        for (int i = 0; i < LinkRegistry.RECENT_PINGS; i++) {
            registry.onPong("arie-auditor", Duration.ofMillis(10));
        }
        assertThat(arie().state()).isEqualTo("healthy");
    }

    @Test
    void liveInstancesOnDifferentSchemaVersionsDegradeButAGoneOneDoesNot() {
        beat("arie-auditor", "old", "2");
        clock.advance(5001);
        beat("arie-auditor", "new", "3");
        assertThat(arie().state()).as("the old instance is past the timeout").isEqualTo("healthy");
        beat("arie-auditor", "other", "2");
        assertThat(arie().state()).isEqualTo("degraded");
        assertThat(arie().schemaVersions()).containsExactly("2", "3");
        assertThat(arie().reasons()).anySatisfy(r -> assertThat(r).contains("schema"));
    }

    @Test
    void pingAnswersAloneKeepALinkFromDownButNotHealthy() {
        registry.onPong("arie-auditor", Duration.ofMillis(3));
        assertThat(arie().state()).isEqualTo("degraded");
        assertThat(arie().reasons()).containsExactly("no heartbeat received");
    }

    @Test
    void oneDegradedAlertPerTripOutOfHealthyAndOneRecoveredOnReturn() {
        LinkTransitions t = new LinkTransitions();
        List<String> raised = new ArrayList<>();
        for (String state : List.of("unknown", "degraded", "healthy", "healthy", "degraded", "degraded", "down",
                "down", "unknown", "degraded", "healthy", "healthy", "down", "healthy")) {
            t.observe("arie-auditor", state).ifPresent(raised::add);
        }
        assertThat(raised).containsExactly("federation.degraded", "federation.recovered", "federation.degraded",
                "federation.recovered");
        assertThat(t.observe("genesis-bus", "unknown")).isEqualTo(Optional.empty());
        assertThat(t.observe("genesis-bus", "down")).as("never healthy, nothing to leave").isEmpty();
    }

    @Test
    void ofSeveralGatewaysOnlyTheLiveOneWithTheSmallestIdRaisesLinkAlerts() {
        java.util.function.Predicate<String> raises = self -> LinkWatch.raisesAlerts(self,
                registry.live(LinkWatch.GATEWAY).stream().map(Events.Heartbeat::instance).toList());
        assertThat(raises.test("gw-b")).as("alone (its own heartbeat not heard yet)").isTrue();
        beat(LinkWatch.GATEWAY, "gw-b", "1");
        beat(LinkWatch.GATEWAY, "gw-a", "1");
        assertThat(raises.test("gw-a")).isTrue();
        assertThat(raises.test("gw-b")).isFalse();
        // gw-a stops; once it is past the down timeout, gw-b takes over.
        clock.advance(4000);
        beat(LinkWatch.GATEWAY, "gw-b", "1");
        assertThat(raises.test("gw-b")).as("gw-a only late").isFalse();
        clock.advance(1001);
        assertThat(raises.test("gw-b")).isTrue();
    }

    @Test
    void theRttWindowForgetsOldRoundTrips() {
        LinkRegistry r = new LinkRegistry(List.of("arie-auditor"), T, 1000, clock);
        r.onPong("arie-auditor", Duration.ofMillis(400));
        clock.advance(1000);
        r.onPong("arie-auditor", Duration.ofMillis(10));
        assertThat(r.links().get(0).rttMs().samples()).isEqualTo(2);
        clock.advance(1000);
        assertThat(r.links().get(0).rttMs().samples()).as("the older half dropped").isEqualTo(1);
        assertThat(r.links().get(0).rttMs().max()).isLessThan(11.0);
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T00:00:00Z");

        void advance(long ms) {
            now = now.plusMillis(ms);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
