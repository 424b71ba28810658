package io.hxo.gateway.command;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.runtime.publish.HxoPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kafka request/reply for the REST layer: a command goes out with its id as correlation id, the
 * matching reply (read by the {@link Inbox}) completes it. No answer within
 * {@code HXO_FEDERATION_TIMEOUT} is a 504; a broker that refuses the send is a 503.
 */
@ApplicationScoped
public class CommandBus {
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    /** Sends run here: a producer may block while it fetches metadata, and event loops must not. */
    private final ExecutorService sender = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "gateway-command-send");
        t.setDaemon(true);
        return t;
    });
    private final HxoPublisher publisher;
    private final long timeoutMs;

    public CommandBus(HxoPublisher publisher, GatewayConfig config) {
        this.publisher = publisher;
        this.timeoutMs = config.federationTimeout();
    }

    public Uni<Reply> request(Topic commandTopic, String type, String subject, Object data) {
        return send(commandTopic, null, type, subject, data, timeoutMs);
    }

    /** As above, for a command known to take longer than {@code HXO_FEDERATION_TIMEOUT} (a migration). */
    public Uni<Reply> request(Topic commandTopic, String type, String subject, Object data, long answerWithinMs) {
        return send(commandTopic, null, type, subject, data, answerWithinMs);
    }

    /**
     * Sends the command to every partition of the topic (so every owning instance sees it) and
     * gathers the answers; partitions whose owner does not answer in time are left out.
     */
    public Uni<List<Reply>> broadcast(Topic commandTopic, String type, Object data) {
        return Uni.createFrom().item(() -> publisher.partitions(commandTopic))
                .runSubscriptionOn(sender)
                .onItem().transformToUni(n -> {
                    List<Uni<Reply>> all = new java.util.ArrayList<>();
                    for (int p = 0; p < n; p++) {
                        all.add(send(commandTopic, p, type, "partition-" + p, data, timeoutMs)
                                .onFailure().recoverWithNull());
                    }
                    return Uni.join().all(all).andCollectFailures();
                })
                .map(replies -> replies.stream().filter(java.util.Objects::nonNull).toList());
    }

    private Uni<Reply> send(Topic commandTopic, Integer partition, String type, String subject, Object data,
            long timeoutMs) {
        CloudEvent base = publisher.event(type, subject, data);
        CloudEvent command = base.withCorrelation(base.id(), null);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(command.id(), reply);
        reply.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((r, e) -> pending.remove(command.id()));
        sender.execute(() -> (partition == null ? publisher.publish(commandTopic, command)
                : publisher.publish(commandTopic, partition, command)).whenComplete((md, e) -> {
            if (e != null) {
                reply.completeExceptionally(ApiProblem.of(503, "kafka-unavailable", "Kafka unavailable",
                        "the command could not be sent: " + e.getMessage()));
            }
        }));
        return Uni.createFrom().completionStage(reply).onFailure(TimeoutException.class)
                .transform(e -> ApiProblem.of(504, "gateway-timeout", "No answer in time",
                        commandTopic.topicName() + " did not answer within " + timeoutMs + " ms"));
    }

    /**
     * Publishes an event (no answer expected) and completes once the broker has it; a broker that
     * refuses it, or does not take it within {@code HXO_FEDERATION_TIMEOUT}, is a 503.
     */
    public Uni<CloudEvent> publish(Topic topic, CloudEvent event) {
        return Uni.createFrom().completionStage(() -> publisher.publish(topic, event))
                .runSubscriptionOn(sender)
                .ifNoItem().after(java.time.Duration.ofMillis(timeoutMs)).fail()
                .onFailure().transform(e -> ApiProblem.of(503, "kafka-unavailable", "Kafka unavailable",
                        "the event could not be published: " + e.getMessage()))
                .replaceWith(event);
    }

    /** A reply arrived; completes its request if this instance sent it (others ignore it). */
    void onReply(CloudEvent event) {
        String correlation = event.correlationId();
        if (correlation == null) {
            return;
        }
        CompletableFuture<Reply> waiting = pending.remove(correlation);
        if (waiting != null) {
            waiting.complete(event.dataAs(Reply.class));
        }
    }

    public int inFlight() {
        return pending.size();
    }
}
