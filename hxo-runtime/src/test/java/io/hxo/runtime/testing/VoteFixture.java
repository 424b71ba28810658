package io.hxo.runtime.testing;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A made-up plan for validator tests: two stages (the second prepared first, so slot numbers and
 * Merkle order differ) and one split shard whose children take its place. Its leaves are announced
 * on {@code hxo.shard.done} out of order and partly twice, then {@code hxo.aggregate.ready} with the
 * root computed here from the Merkle order written out by hand.
 */
public final class VoteFixture {
    public final String planId = UUID.randomUUID().toString();
    public final String root;
    private final List<Events.Leaf> merkleOrder = new ArrayList<>();

    public VoteFixture() {
        // Stage 0 (position 0): shards 0, 1 (split into two children), 2; stage 1: shards 0, 1.
        merkleOrder.add(leaf(2, List.of(0, 0)));
        merkleOrder.add(leaf(5, List.of(0, 1, 0)));
        merkleOrder.add(leaf(6, List.of(0, 1, 1)));
        merkleOrder.add(leaf(4, List.of(0, 2)));
        merkleOrder.add(leaf(0, List.of(1, 0)));
        merkleOrder.add(leaf(1, List.of(1, 1)));
        List<byte[]> data = merkleOrder.stream()
                .map(l -> InclusionProof.leafData(Hex.parseHash(l.casId()), Hex.parseHash(l.outputDigest()))).toList();
        root = Hex.of(MerkleTree.build(HashAlg.SHA3_256, data).root());
    }

    private Events.Leaf leaf(int slot, List<Integer> order) {
        return new Events.Leaf(slot, order, Hex.of(HashAlg.SHA3_256.hash((planId + "/cas/" + slot).getBytes())),
                Hex.of(HashAlg.SHA3_256.hash((planId + "/out/" + slot).getBytes())), false);
    }

    /** Announces the leaves (shuffled, one twice) and then the plan as ready. */
    public void publish(KafkaTestClient kafka) {
        publish(kafka, Instant.now().minusSeconds(5));
    }

    /**
     * The same with the plan's start as the planner's clock gave it: a start after the leaves'
     * broker times stands for a planner whose clock runs ahead of the broker's.
     */
    public void publish(KafkaTestClient kafka, Instant startedAt) {
        kafka.publisher.emit(Topic.HXO_SHARD_DONE, planId, new Events.ShardsDone(planId,
                List.of(merkleOrder.get(4), merkleOrder.get(1), merkleOrder.get(0)))).join();
        kafka.publisher.emit(Topic.HXO_SHARD_DONE, planId, new Events.ShardsDone(planId,
                List.of(merkleOrder.get(3), merkleOrder.get(5), merkleOrder.get(2), merkleOrder.get(4)))).join();
        kafka.publisher.emit(Topic.HXO_AGGREGATE_READY, planId, new Events.AggregateReady(planId, root,
                merkleOrder.size(), HashAlg.SHA3_256.wireName(), startedAt)).join();
    }

    /**
     * Announces part of the leaves, then the plan as ready, then the rest after {@code late}: a
     * validator must keep reading after the ready event (within its patience) to vote the full tree.
     */
    public void publishWithLateLeaves(KafkaTestClient kafka, Duration late) throws InterruptedException {
        kafka.publisher.emit(Topic.HXO_SHARD_DONE, planId, new Events.ShardsDone(planId,
                List.of(merkleOrder.get(4), merkleOrder.get(1), merkleOrder.get(0)))).join();
        kafka.publisher.emit(Topic.HXO_AGGREGATE_READY, planId, new Events.AggregateReady(planId, root,
                merkleOrder.size(), HashAlg.SHA3_256.wireName(), Instant.now().minusSeconds(5))).join();
        Thread.sleep(late.toMillis());
        kafka.publisher.emit(Topic.HXO_SHARD_DONE, planId, new Events.ShardsDone(planId,
                List.of(merkleOrder.get(3), merkleOrder.get(5), merkleOrder.get(2)))).join();
    }

    /**
     * Announces part of the leaves and the plan as ready, and never the rest: a validator must ask
     * the owner to announce them again; {@link #announceTheRest} then plays the owner's part.
     */
    public void publishWithLostLeaves(KafkaTestClient kafka) {
        kafka.publisher.emit(Topic.HXO_SHARD_DONE, planId, new Events.ShardsDone(planId,
                List.of(merkleOrder.get(4), merkleOrder.get(1), merkleOrder.get(0)))).join();
        kafka.publisher.emit(Topic.HXO_AGGREGATE_READY, planId, new Events.AggregateReady(planId, root,
                merkleOrder.size(), HashAlg.SHA3_256.wireName(), Instant.now().minusSeconds(5))).join();
    }

    /** Every leaf of the plan, announced again (as its owner does on {@code hxo.plan.resend-leaves}). */
    public void announceTheRest(KafkaTestClient kafka) {
        kafka.publisher.emit(Topic.HXO_SHARD_DONE, planId, new Events.ShardsDone(planId, merkleOrder)).join();
    }

    /** Waits for the named validator's vote on this plan; checks it came from that validator. */
    public Events.Vote awaitVote(KafkaConsumer<String, byte[]> votes, String validator) {
        CloudEvent ev = KafkaTestClient.await(votes, e -> planId.equals(e.subject())
                && e.source().startsWith("/" + validator + "/"), Duration.ofSeconds(30));
        return ev.dataAs(Events.Vote.class);
    }
}
