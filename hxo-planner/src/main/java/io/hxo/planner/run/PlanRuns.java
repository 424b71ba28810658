package io.hxo.planner.run;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs of the plans this instance owns (touched only on the owner thread), and the partitions
 * that decide which plans those are (read from any thread).
 */
@ApplicationScoped
public class PlanRuns {
    private final Map<UUID, PlanRun> runs = new HashMap<>();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int inFlight;
    private volatile int active;

    public PlanRun get(UUID planId) {
        return runs.get(planId);
    }

    public boolean has(UUID planId) {
        return runs.containsKey(planId);
    }

    public void put(PlanRun run) {
        runs.put(run.planId(), run);
    }

    public void remove(UUID planId) {
        runs.remove(planId);
    }

    public List<PlanRun> all() {
        return List.copyOf(runs.values());
    }

    /** Forgets the runs of partitions this instance no longer owns (their new owner resumes them). */
    public void forget(Collection<Integer> partitions) {
        runs.values().removeIf(run -> partitions.contains(run.partition()));
    }

    public boolean own(int partition) {
        return owned.add(partition);
    }

    public boolean disown(int partition) {
        return owned.remove(partition);
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** Counts the owned plans' in-flight shards for readers on other threads; returns the total. */
    public int count() {
        int n = 0;
        for (PlanRun r : runs.values()) {
            n += r.inFlight();
        }
        inFlight = n;
        active = runs.size();
        return n;
    }

    /** Shards in flight for the plans this instance owns, as last counted (any thread). */
    public int inFlight() {
        return inFlight;
    }

    public int activePlans() {
        return active;
    }
}
