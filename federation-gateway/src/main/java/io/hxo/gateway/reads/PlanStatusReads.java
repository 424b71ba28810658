package io.hxo.gateway.reads;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * A plan's status as the planner answered it, shared by every caller asking within
 * {@code HXO_STATUS_MAX_AGE_MS}: a dashboard, the CLI's watch and CI polling the same plan cost the
 * planner one query per period instead of one per request, and concurrent callers wait on the same
 * query rather than each sending one. Only answers are kept (a problem, a timeout or a broker error
 * is not), and a command this gateway sends about the plan drops its entry so the sender reads its
 * own change. A plan's state change ({@code hxo.plan}, from the bus feed every gateway instance
 * reads) drops its entry too, so a dashboard that refreshes on that event reads the new state and
 * never a copy from just before it; shard counts may still be up to the max age old.
 * {@code 0} turns the sharing off.
 */
@ApplicationScoped
public class PlanStatusReads {
    private static final String PLAN_TOPIC = Topic.HXO_PLAN.topicName();

    private final CommandBus commands;
    private final AsyncCache<String, Reply> recent;

    public PlanStatusReads(CommandBus commands, GatewayConfig config) {
        this.commands = commands;
        long maxAgeMs = config.statusMaxAgeMs();
        this.recent = maxAgeMs <= 0 ? null
                : Caffeine.newBuilder().expireAfterWrite(Duration.ofMillis(maxAgeMs)).maximumSize(10_000).buildAsync();
    }

    /** The plan's status reply; {@code planId} is already a canonical UUID. */
    public Uni<Reply> status(String planId) {
        if (recent == null) {
            return ask(planId);
        }
        return Uni.createFrom().completionStage(() -> recent.get(planId, (id, executor) ->
                ask(id).subscribeAsCompletionStage()).thenApply(reply -> {
                    if (!reply.isSuccess()) {
                        recent.synchronous().invalidate(planId);
                    }
                    return reply;
                }));
    }

    /** The plan is about to change through this gateway: the next read asks the planner. */
    public void forget(String planId) {
        if (recent != null) {
            recent.synchronous().invalidate(planId);
        }
    }

    /** Runs on the feed's thread before the batch reaches any subscriber (see {@code BusFeed}). */
    void onFeed(@Observes FeedBatch batch) {
        if (recent == null) {
            return;
        }
        for (StoredEvent ev : batch.events()) {
            if (PLAN_TOPIC.equals(ev.topic()) && ev.subject() != null) {
                recent.synchronous().invalidate(ev.subject());
            }
        }
    }

    private Uni<Reply> ask(String planId) {
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_STATUS, planId, new Commands.PlanQuery(planId));
    }
}
