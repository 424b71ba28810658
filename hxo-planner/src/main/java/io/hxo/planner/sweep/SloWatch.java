package io.hxo.planner.sweep;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.run.PlanRun;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A stage running longer than its {@code slo_ms} raises {@code slo.breach}, once. */
@ApplicationScoped
public class SloWatch {
    private final HxoPublisher publisher;

    public SloWatch(HxoPublisher publisher) {
        this.publisher = publisher;
    }

    public void check(PlanRun run, PlanRun.StageRun s) {
        Long slo = s.spec().sloMs();
        if (slo == null || s.started() == null) {
            return;
        }
        long elapsed = Duration.between(s.started(), Instant.now()).toMillis();
        if (elapsed > slo && s.breachSlo()) {
            publisher.emit(Topic.HXO_ALERT, run.planId().toString(), new Events.Alert("slo.breach", "warning",
                    run.planId().toString(), "hxo-planner", "stage " + s.spec().id() + " has run " + elapsed
                    + " ms, over its slo_ms of " + slo, Map.of("stage", s.spec().id(), "elapsed_ms", elapsed,
                    "slo_ms", slo)));
        }
    }
}
