package io.hxo.planner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The status read's own statement ({@link PlanStore#withRoots}) against the entity read
 * ({@link PlanStore#plan}): the same row, jsonb columns included, and the roots of exactly the stages
 * that have one.
 */
@QuarkusTest
class PlanStatusReadTest {
    @Inject
    Pool pool;
    @Inject
    PlanStore plans;

    @Test
    void theStatusReadGivesTheEntitysRowAndOnlyTheStagesThatHaveARoot() {
        UUID planId = UUID.randomUUID();
        pool.preparedQuery("""
                INSERT INTO hxo.plans (plan_id, name, spec, status, hash_alg, owner_partition, total_shards,
                                       done_shards, cached_shards, failed_shards, split_shards, merkle_root, error,
                                       started_at, finished_at, certificate)
                VALUES ($1, 'status-read', '{"name":"status-read","stages":[{"id":"a","kind":"test.noop"}]}'::jsonb,
                        'certified', 'sha-256', 3, 12, 9, 2, 1, 1, 'feed', 'one failed',
                        now() - interval '2 seconds', now(), '{"verdict":"HARMONIC","votes":3}'::jsonb)""")
                .execute(Tuple.of(planId)).await().indefinitely();
        // Stored out of position order: the roots come back by stage id, whatever the order.
        for (Object[] stage : new Object[][] { { "c", 2, "cc" }, { "a", 0, "aa" }, { "b", 1, null } }) {
            pool.preparedQuery("""
                    INSERT INTO hxo.stages (plan_id, stage_id, position, kind, partitioner, executor,
                                            executor_version, first_leaf, shard_count, root)
                    VALUES ($1, $2, $3, 'test.noop', 'by_count', 'noop', '1', $3 * 4, 4, $4)""")
                    .execute(Tuple.of(planId, stage[0], stage[1], stage[2])).await().indefinitely();
        }

        PlanStore.PlanWithRoots read = plans.withRoots(planId).orElseThrow();

        assertThat(read.plan()).isEqualTo(plans.plan(planId).orElseThrow());
        assertThat(read.plan().certificate().path("verdict").asText()).isEqualTo("HARMONIC");
        assertThat(read.plan().spec().path("stages").get(0).path("id").asText()).isEqualTo("a");
        assertThat(read.stageRoots()).isEqualTo(Map.of("a", "aa", "c", "cc"));
        assertThat(plans.withRoots(UUID.randomUUID())).isEmpty();
    }
}
