package io.hxo.planner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hxo.contracts.hash.Hex;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The checkpoint path on the reactive client: many batches read back whole, and a batch is all or nothing. */
@QuarkusTest
class CheckpointStoreTest {
    static final int LEAVES_PER_BATCH = 3;

    @Inject
    Pool pool;
    @Inject
    CheckpointStore checkpoints;
    @Inject
    PlanStore plans;
    @Inject
    ResultStore results;

    @Test
    void everyLeafOfMoreCheckpointsThanOneReadHoldsComesBackInOrder() {
        UUID planId = newPlan();
        int batches = 2 * CheckpointStore.LEAF_ROWS_PER_READ + 5;
        List<byte[]> ids = new ArrayList<>();
        for (int seq = 0; seq < batches; seq++) {
            CheckpointStore.PlanCheckpoint cp = batch(planId, seq, seq * LEAVES_PER_BATCH);
            cp.results().forEach(r -> ids.add(r.casId()));
            checkpoints.checkpoint(List.of(cp), List.of());
        }

        List<Integer> indexes = new ArrayList<>();
        List<String> read = new ArrayList<>();
        int next = checkpoints.readLeaves(planId, leaf -> {
            indexes.add(leaf.index());
            read.add(Hex.of(leaf.casId()));
        });

        assertThat(next).isEqualTo(batches);
        assertThat(indexes).hasSize(batches * LEAVES_PER_BATCH).isSorted();
        assertThat(read).containsExactlyElementsOf(ids.stream().map(Hex::of).toList());
        assertThat(plans.plan(planId).orElseThrow().done()).isEqualTo((long) batches * LEAVES_PER_BATCH);
        assertThat(results.storedResults(ids)).hasSize(ids.size());
    }

    @Test
    void aCheckpointThatFailsStoresNoneOfItsStatements() {
        UUID planId = newPlan();
        checkpoints.checkpoint(List.of(batch(planId, 0, 0)), List.of());
        // Same sequence number again: the checkpoint row conflicts, after the results went in ahead of it.
        CheckpointStore.PlanCheckpoint again = batch(planId, 0, 100);

        assertThatThrownBy(() -> checkpoints.checkpoint(List.of(again), List.of()))
                .isInstanceOf(StoreException.class);

        assertThat(plans.plan(planId).orElseThrow().done()).isEqualTo(LEAVES_PER_BATCH);
        assertThat(results.storedResults(again.results().stream().map(ResultStore.ResultRow::casId).toList()))
                .isEmpty();
        assertThat(checkpoints.readLeaves(planId, leaf -> { })).isEqualTo(1);
    }

    private UUID newPlan() {
        UUID planId = UUID.randomUUID();
        pool.preparedQuery("""
                INSERT INTO hxo.plans (plan_id, name, spec, status, hash_alg, owner_partition, total_shards)
                VALUES ($1, 'checkpoint-test', '{}'::jsonb, 'running', 'sha-256', 0, 1000)""")
                .execute(Tuple.of(planId)).await().indefinitely();
        return planId;
    }

    /** A checkpoint of {@link #LEAVES_PER_BATCH} leaves from slot {@code first}, each with a new CAS result. */
    private static CheckpointStore.PlanCheckpoint batch(UUID planId, int seq, int first) {
        int slots = first + LEAVES_PER_BATCH;
        byte[] casIds = new byte[slots * 32];
        byte[] digests = new byte[slots * 32];
        LeafBatch leaves = new LeafBatch(LEAVES_PER_BATCH);
        List<ResultStore.ResultRow> rows = new ArrayList<>();
        for (int slot = first; slot < slots; slot++) {
            byte[] id = unique();
            System.arraycopy(id, 0, casIds, slot * 32, 32);
            System.arraycopy(unique(), 0, digests, slot * 32, 32);
            leaves.add(slot, casIds, digests, false, 5, 1);
            rows.add(new ResultStore.ResultRow(id, java.util.Arrays.copyOfRange(digests, slot * 32, slot * 32 + 32),
                    "{}", "test.noop", "noop", "1", new String[0], false));
        }
        return new CheckpointStore.PlanCheckpoint(planId, seq, leaves, rows, LEAVES_PER_BATCH, 0, List.of(), List.of());
    }

    private static byte[] unique() {
        UUID u = UUID.randomUUID();
        return ByteBuffer.allocate(32).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .putLong(System.nanoTime()).array();
    }
}
