package io.hxo.planner.announce;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Announces a plan's state changes on {@code hxo.plan}, whoever made the change (owner, commands, consensus). */
@ApplicationScoped
public class PlanEvents {
    private final HxoPublisher publisher;

    public PlanEvents(HxoPublisher publisher) {
        this.publisher = publisher;
    }

    public void changed(UUID planId, String name, PlanState state, long total, String root, HashAlg alg) {
        publisher.emit(Topic.HXO_PLAN, planId.toString(),
                new Events.PlanChanged(planId.toString(), name, state.wire(), total, root, alg.wireName(), Instant.now()));
    }
}
