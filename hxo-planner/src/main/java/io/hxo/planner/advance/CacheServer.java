package io.hxo.planner.advance;

import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.planner.checkpoint.ResultStore;
import io.hxo.planner.checkpoint.Stored;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settles the shards of a just-prepared stage whose CAS id already has a stored result whose artifacts
 * all still exist (a result whose artifacts are gone is run again, never served). Effects are never
 * served: another plan's outcome is not this plan's.
 */
@ApplicationScoped
public class CacheServer {
    /** Ids looked up per query. */
    static final int CHUNK = 5000;

    private final ResultStore results;
    private final ArtifactStore artifacts;
    private final EngineMetrics metrics;

    public CacheServer(ResultStore results, ArtifactStore artifacts, EngineMetrics metrics) {
        this.results = results;
        this.artifacts = artifacts;
        this.metrics = metrics;
    }

    public void serve(PlanRun run, PlanRun.StageRun s) {
        if (s.spec().effect()) {
            return;
        }
        int first = s.spec().firstLeaf();
        for (int from = 0; from < s.originals(); from += CHUNK) {
            int to = Math.min(s.originals(), from + CHUNK);
            List<byte[]> ids = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                if (run.isPending(first + i)) {
                    ids.add(run.casId(first + i));
                }
            }
            Map<String, ResultStore.StoredResult> found = Stored.retrying("cache lookup", () -> results.storedResults(ids));
            Set<String> present = Stored.retrying("artifact lookup", () -> artifacts.existing(found.values().stream()
                    .flatMap(r -> Arrays.stream(r.artifacts())).toList()));
            int served = 0;
            for (int i = from; i < to; i++) {
                ResultStore.StoredResult hit = found.get(run.casHex(first + i));
                if (hit != null && present.containsAll(Arrays.asList(hit.artifacts()))
                        && run.settle(first + i, hit.digest(), true)) {
                    served++;
                }
            }
            metrics.cached(served);
        }
    }
}
