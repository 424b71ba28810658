package io.hxo.arie.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.arie.scan.Finding;
import io.hxo.arie.store.ScanStore;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The integrity check of a plan larger than one reply: it follows the planner's pages of stored
 * leaves to the end and folds all of them, with a planner stand-in answering in memory.
 */
class IntegrityPagingTest {
    static final int LEAVES = 2 * Commands.MAX_LEAVES_PAGE + 2_000;
    static final HashAlg ALG = HashAlg.SHA3_256;

    final String planId = UUID.randomUUID().toString();
    final List<Commands.StoredLeaf> stored = new ArrayList<>();
    final List<Integer> asked = new ArrayList<>();
    String certifiedRoot;

    IntegrityPagingTest() {
        Random random = new Random(7);
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < LEAVES; i++) {
            byte[] cas = new byte[32];
            byte[] digest = new byte[32];
            random.nextBytes(cas);
            random.nextBytes(digest);
            stored.add(new Commands.StoredLeaf(i, Hex.of(cas), Hex.of(digest), Hex.of(digest), List.of()));
            data.add(InclusionProof.leafData(cas, digest));
        }
        certifiedRoot = Hex.of(MerkleTree.build(ALG, data).root());
    }

    /** Answers pages of {@code stored} as the planner does; {@code next} can be bent to misbehave. */
    PlannerClient planner(UnaryOperator<Integer> bendNext) {
        return new PlannerClient(null, StandInConfig.withTimeout()) {
            @Override
            public Reply request(String type, String subject, Object data) {
                assertThat(type).isEqualTo(Commands.PLAN_LEAVES);
                Commands.LeavesQuery q = (Commands.LeavesQuery) data;
                asked.add(q.from());
                int from = q.from();
                int end = Math.min(LEAVES, from + Math.min(q.limit(), Commands.MAX_LEAVES_PAGE));
                Integer next = end < LEAVES ? end : null;
                return Reply.ok(200, new Commands.StoredLeaves(planId, ALG.wireName(), LEAVES,
                        stored.subList(from, end), bendNext.apply(next)));
            }
        };
    }

    List<Finding> check(PlannerClient planner) throws InterruptedException {
        List<Finding> findings = new ArrayList<>();
        boolean answered = new IntegrityCheck(null, planner)
                .check(new ScanStore.CertifiedPlan(planId, certifiedRoot, LEAVES, ALG.wireName()), findings);
        assertThat(answered).isTrue();
        return findings;
    }

    @Test
    void everyPageIsReadAndAnIntactPlanHasNoFinding() throws Exception {
        assertThat(check(planner(n -> n))).isEmpty();
        assertThat(asked).containsExactly(0, Commands.MAX_LEAVES_PAGE, 2 * Commands.MAX_LEAVES_PAGE);
    }

    @Test
    void aChangedResultOnTheLastPageIsFoundAndNamed() throws Exception {
        int victim = LEAVES - 3;
        Commands.StoredLeaf leaf = stored.get(victim);
        stored.set(victim, new Commands.StoredLeaf(victim, leaf.casId(), "00".repeat(32), leaf.checkpointDigest(), List.of()));
        List<Finding> findings = check(planner(n -> n));
        assertThat(findings).extracting(Finding::ruleId).containsExactly(IntegrityCheck.ROOT_MISMATCH.id());
        assertThat(findings.get(0).message()).contains("shard " + victim + " (" + leaf.casId() + ")");
    }

    @Test
    void aPlannerWhosePagesDoNotAdvanceIsUnverifiableNotALoop() throws Exception {
        List<Finding> findings = check(planner(n -> n == null ? null : 0));
        assertThat(findings).extracting(Finding::ruleId).containsExactly(IntegrityCheck.UNVERIFIABLE.id());
        assertThat(asked).containsExactly(0);
    }
}
