package io.hxo.arie.integrity;

import io.hxo.arie.config.ArieConfig;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Kafka request/reply with the planner on {@code hxo.commands}: a query goes out with its id as
 * correlation id; this instance's own consumer of {@code hxo.commands.reply} completes it.
 */
@ApplicationScoped
public class PlannerClient {
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final HxoPublisher publisher;
    private final long timeoutMs;

    public PlannerClient(HxoPublisher publisher, ArieConfig config) {
        this.publisher = publisher;
        this.timeoutMs = config.federationTimeout();
    }

    /** Sends a query keyed by {@code subject} (a plan id: its owner's partition) and waits for the answer. */
    public Reply request(String type, String subject, Object data) throws TimeoutException, InterruptedException {
        CloudEvent base = publisher.event(type, subject, data);
        CloudEvent query = base.withCorrelation(base.id(), null);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(query.id(), reply);
        try {
            publisher.publish(Topic.HXO_COMMANDS, query);
            return reply.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pending.remove(query.id());
        }
    }

    @Incoming("planner-replies")
    public void onReply(CloudEvent ev) {
        try {
            String correlation = ev.correlationId();
            CompletableFuture<Reply> waiting = correlation == null ? null : pending.remove(correlation);
            if (waiting != null) {
                waiting.complete(ev.dataAs(Reply.class));
            }
        } catch (RuntimeException e) {
            Log.warnf("skipped unreadable reply %s: %s", ev.id(), e.getMessage());
        }
    }
}
