package io.hxo.arie.integrity;

import io.hxo.arie.rules.Location;
import io.hxo.arie.rules.RuleInfo;
import io.hxo.arie.rules.RuleScope;
import io.hxo.arie.rules.Severity;
import io.hxo.arie.scan.Finding;
import io.hxo.arie.scan.Fingerprints;
import io.hxo.arie.scan.ScanResult;
import io.hxo.arie.store.ScanStore;
import io.hxo.arie.store.StoreException;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.blocking.Awaiting;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The integrity rules (SPEC §5): ARIE keeps every certificate it reads on
 * {@code hxo.aggregate.finalized}; a scan asks the planner for each certified plan's stored
 * results ({@code hxo.plan.leaves}), recomputes the Merkle root itself over
 * {@code H(0x00 ‖ cas_id ‖ result digest)} and compares it with the certificate's root.
 */
@ApplicationScoped
public class IntegrityCheck {
    public static final RuleInfo ROOT_MISMATCH = new RuleInfo("HXO-INT-001", Severity.CRITICAL, RuleScope.INTEGRITY,
            "The Merkle root recomputed from a certified plan's stored results differs from its certificate.",
            "A stored result was changed after certification: restore it from a backup or replay the shard, and find out who wrote it.");
    public static final RuleInfo RESULT_MISSING = new RuleInfo("HXO-INT-002", Severity.CRITICAL, RuleScope.INTEGRITY,
            "A certified plan's shard has no stored result any more.",
            "Replay the plan (its shards run again) or restore the result store.");
    public static final RuleInfo ARTIFACT_MISSING = new RuleInfo("HXO-INT-003", Severity.HIGH, RuleScope.INTEGRITY,
            "An artifact a certified shard result refers to is missing from the artifact store.",
            "Restore the artifact store (HXO_ARTIFACTS_DIR) or replay the plan.");
    public static final RuleInfo UNVERIFIABLE = new RuleInfo("HXO-INT-004", Severity.MEDIUM, RuleScope.INTEGRITY,
            "A certified plan's stored results could not be read, so its certificate was not checked.",
            "Check that hxo-planner is running and answers on hxo.commands; the next scan checks again.");
    public static final List<RuleInfo> RULES = List.of(ROOT_MISMATCH, RESULT_MISSING, ARTIFACT_MISSING, UNVERIFIABLE);

    private final ScanStore store;
    private final PlannerClient planner;

    public IntegrityCheck(ScanStore store, PlannerClient planner) {
        this.store = store;
        this.planner = planner;
    }

    /**
     * Keeps a certified plan's certificate. Non-blocking: the write is a Panache transaction the
     * returned {@link Uni} completes, on the record's own Vert.x context; the record is acknowledged
     * once it is stored, or skipped with a warning when it cannot be stored. One that cannot be read
     * never gets here: the converter fails it and the channel skips it (skip-unreadable).
     */
    @Incoming("finalized")
    public Uni<Void> onFinalized(Events.Certificate cert) {
        if (!"certified".equals(cert.outcome()) || cert.planId() == null || cert.merkleRoot() == null) {
            return Uni.createFrom().voidItem();
        }
        return store.certificate(cert, Instant.now()).onFailure().recoverWithUni(e -> {
            Log.warnf("skipped the certificate of plan %s: %s", cert.planId(), e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /** Checks every certified plan ARIE has seen; waits for the store and the planner (the scan thread's work). */
    public ScanResult scan() throws InterruptedException {
        Instant start = Instant.now();
        List<Finding> findings = new ArrayList<>();
        List<ScanStore.CertifiedPlan> plans = Awaiting.onContext(store::certified, StoreException::of);
        boolean plannerSilent = false;
        for (ScanStore.CertifiedPlan plan : plans) {
            if (plannerSilent) {
                // One silence is enough: asking again for each plan would hold the scan for minutes.
                findings.add(finding(UNVERIFIABLE, Location.ofFact("plan " + plan.planId(), "stored_results"),
                        "no answer", "hxo-planner did not answer in time; plan " + plan.planId() + " was not checked"));
            } else {
                plannerSilent = !check(plan, findings);
            }
        }
        return new ScanResult("integrity of " + plans.size() + " certified plans", null, start, Instant.now(),
                findings, new ScanResult.Stats(0, 0, 0, 0, 0));
    }

    /** Checks one plan; false when the planner did not answer in time. */
    boolean check(ScanStore.CertifiedPlan plan, List<Finding> out) throws InterruptedException {
        String place = "plan " + plan.planId();
        HashAlg alg = HashAlg.fromWire(plan.hashAlg());
        List<byte[]> data = new ArrayList<>();
        List<byte[]> recorded = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        boolean complete = true;
        // Page by page, keeping only the 65-byte leaves: a plan of a million shards is ~200 pages.
        for (Integer from = 0; from != null;) {
            Reply reply;
            try {
                reply = planner.request(Commands.PLAN_LEAVES, plan.planId(),
                        new Commands.LeavesQuery(plan.planId(), from, Commands.MAX_LEAVES_PAGE));
            } catch (TimeoutException e) {
                out.add(finding(UNVERIFIABLE, Location.ofFact(place, "stored_results"), "no answer",
                        "hxo-planner did not answer for plan " + plan.planId() + " in time"));
                return false;
            }
            if (!reply.isSuccess()) {
                String why = reply.problem() == null ? "status " + reply.status() : reply.problem().detail();
                out.add(finding(UNVERIFIABLE, Location.ofFact(place, "stored_results"), "refused " + reply.status(),
                        "hxo-planner could not give plan " + plan.planId() + "'s stored results: " + why));
                return true;
            }
            Commands.StoredLeaves leaves = reply.body() == null ? null
                    : io.hxo.contracts.json.Json.convert(reply.body(), Commands.StoredLeaves.class);
            if (leaves == null || leaves.leaves() == null || (leaves.next() != null && leaves.next() <= from)) {
                out.add(finding(UNVERIFIABLE, Location.ofFact(place, "stored_results"), "empty answer",
                        "hxo-planner answered without plan " + plan.planId() + "'s leaves from position " + from));
                return true;
            }
            for (Commands.StoredLeaf leaf : leaves.leaves()) {
                Location at = Location.ofFact(place, "shard " + leaf.casId());
                if (leaf.resultDigest() == null) {
                    complete = false;
                    out.add(finding(RESULT_MISSING, at, "missing",
                            "plan " + plan.planId() + " shard " + leaf.index() + " (" + leaf.casId()
                                    + "): its stored result is gone"));
                    continue;
                }
                for (String artifact : leaf.missingArtifacts() == null ? List.<String>of() : leaf.missingArtifacts()) {
                    out.add(finding(ARTIFACT_MISSING, at, artifact, "plan " + plan.planId() + " shard " + leaf.index()
                            + " (" + leaf.casId() + "): artifact " + artifact + " is missing from the artifact store"));
                }
                data.add(InclusionProof.leafData(Hex.parseHash(leaf.casId()), Hex.parseHash(leaf.resultDigest())));
                if (leaf.checkpointDigest() != null) {
                    recorded.add(InclusionProof.leafData(Hex.parseHash(leaf.casId()), Hex.parseHash(leaf.checkpointDigest())));
                    if (!leaf.checkpointDigest().equals(leaf.resultDigest())) {
                        changed.add("shard " + leaf.index() + " (" + leaf.casId() + ")");
                    }
                }
            }
            from = leaves.next();
        }
        if (!complete || (data.isEmpty() && plan.leafCount() == 0)) {
            return true; // the missing results are the finding; a root over fewer leaves says nothing more
        }
        String root = data.isEmpty() ? null : Hex.of(MerkleTree.build(alg, data).root());
        if (data.size() != plan.leafCount() || !plan.merkleRoot().equals(root)) {
            // The shards to blame: those whose stored result differs from what their checkpoint
            // recorded, named only when the recorded leaves fold to the certified root (the
            // certificate then vouches for the checkpoint, not the planner's word alone).
            boolean recordedCertified = !recorded.isEmpty() && recorded.size() == data.size()
                    && plan.merkleRoot().equals(Hex.of(MerkleTree.build(alg, recorded).root()));
            String blame = recordedCertified && !changed.isEmpty() ? "; changed since certification: "
                    + String.join(", ", changed) : "";
            out.add(finding(ROOT_MISMATCH, Location.ofFact(place, "merkle_root"), plan.merkleRoot(),
                    "plan " + plan.planId() + ": the root over its " + data.size() + " stored results is " + root
                            + ", its certificate says " + plan.merkleRoot() + " over " + plan.leafCount()
                            + " leaves" + blame));
        }
        return true;
    }

    private static Finding finding(RuleInfo rule, Location at, String evidence, String message) {
        return new Finding(rule.id(), rule.severity(), message, at, null, Fingerprints.of(rule.id(), at, evidence, 0));
    }
}
