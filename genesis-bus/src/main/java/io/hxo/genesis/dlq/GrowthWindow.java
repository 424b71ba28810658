package io.hxo.genesis.dlq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Counts arrivals over a sliding window and says when they pass a threshold: true for the arrival
 * that makes more than {@code threshold} within the window, then not again until a window has passed
 * since (a lasting flood is one alert per window, not one per arrival). Pure, so the rule is tested
 * with a clock of its own.
 */
final class GrowthWindow {
    private final int threshold;
    private final Duration window;
    private final Deque<Instant> arrivals = new ArrayDeque<>();
    private Instant lastAlert;

    GrowthWindow(int threshold, Duration window) {
        this.threshold = threshold;
        this.window = window;
    }

    /** Records an arrival at {@code now}; true when it should raise the alert. */
    synchronized boolean arrived(Instant now) {
        Instant since = now.minus(window);
        arrivals.addLast(now);
        while (!arrivals.isEmpty() && !arrivals.peekFirst().isAfter(since)) {
            arrivals.removeFirst();
        }
        // Only the newest threshold+1 arrivals matter; older ones cannot change the answer.
        while (arrivals.size() > threshold + 1) {
            arrivals.removeFirst();
        }
        if (arrivals.size() <= threshold || (lastAlert != null && lastAlert.isAfter(since))) {
            return false;
        }
        lastAlert = now;
        return true;
    }
}
