package io.hxo.genesis.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GrowthWindowTest {
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void theArrivalThatPassesTheThresholdWithinTheWindowAlertsOnce() {
        GrowthWindow w = new GrowthWindow(3, Duration.ofSeconds(60));
        assertThat(w.arrived(T0)).isFalse();
        assertThat(w.arrived(T0.plusSeconds(1))).isFalse();
        assertThat(w.arrived(T0.plusSeconds(2))).isFalse();
        assertThat(w.arrived(T0.plusSeconds(3))).isTrue();
        // The flood goes on: no second alert within the window of the first.
        for (int i = 4; i < 60; i++) {
            assertThat(w.arrived(T0.plusSeconds(i))).as("second %d", i).isFalse();
        }
        // A window after the alert, still more than three a minute: one more alert.
        assertThat(w.arrived(T0.plusSeconds(64))).isTrue();
    }

    @Test
    void arrivalsSpreadWiderThanTheWindowNeverAlert() {
        GrowthWindow w = new GrowthWindow(3, Duration.ofSeconds(60));
        for (int i = 0; i < 100; i++) {
            assertThat(w.arrived(T0.plusSeconds(21L * i))).isFalse();
        }
    }

    @Test
    void aQuietWindowResetsTheCount() {
        GrowthWindow w = new GrowthWindow(2, Duration.ofSeconds(10));
        w.arrived(T0);
        w.arrived(T0.plusSeconds(1));
        assertThat(w.arrived(T0.plusSeconds(20))).isFalse();
        assertThat(w.arrived(T0.plusSeconds(21))).isFalse();
        assertThat(w.arrived(T0.plusSeconds(22))).isTrue();
    }
}
