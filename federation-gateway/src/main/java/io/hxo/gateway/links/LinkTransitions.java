package io.hxo.gateway.links;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns successive link states into alerts: {@code federation.degraded} once when a link leaves
 * {@code healthy} (degraded then down is still one alert), {@code federation.recovered} once when a
 * link that was alerted on is healthy again. A link that never was healthy (unknown at start) raises
 * nothing until it has been.
 */
public final class LinkTransitions {
    public static final String DEGRADED = "federation.degraded";
    public static final String RECOVERED = "federation.recovered";

    private final Map<String, String> last = new ConcurrentHashMap<>();
    private final Map<String, Boolean> alerted = new ConcurrentHashMap<>();

    /** The alert type to raise for this observation of the link, if any. */
    public synchronized Optional<String> observe(String service, String state) {
        String before = last.put(service, state);
        boolean isHealthy = LinkRules.HEALTHY.equals(state);
        if (LinkRules.HEALTHY.equals(before) && !isHealthy) {
            alerted.put(service, true);
            return Optional.of(DEGRADED);
        }
        if (isHealthy && alerted.remove(service) != null) {
            return Optional.of(RECOVERED);
        }
        return Optional.empty();
    }
}
