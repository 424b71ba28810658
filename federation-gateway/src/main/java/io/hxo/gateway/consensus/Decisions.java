package io.hxo.gateway.consensus;

import io.hxo.contracts.payload.Events;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The consensus decisions this gateway instance made, most recent {@link #KEPT}: a certificate is
 * served from here the moment it is decided, without asking the planner for what the gateway itself
 * sent it. A plan decided by another instance (or before a restart) is read from the planner instead.
 */
@ApplicationScoped
public class Decisions {
    static final int KEPT = 10_000;

    private final Map<String, Events.Certificate> decided = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Events.Certificate> eldest) {
            return size() > KEPT;
        }
    };

    synchronized void record(Events.Certificate cert) {
        decided.put(cert.planId(), cert);
    }

    public synchronized Optional<Events.Certificate> of(String planId) {
        return Optional.ofNullable(decided.get(planId));
    }
}
