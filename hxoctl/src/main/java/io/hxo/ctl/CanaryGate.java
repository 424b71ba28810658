package io.hxo.ctl;

import io.hxo.contracts.payload.PlanState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The CI gate of {@code verify --certify}: submit a plan (a small canary by default), wait for its
 * consensus decision, and check its certificate and sampled inclusion proofs offline. Passes only
 * when the plan is certified and at least one proof, and every sampled one, verifies against the
 * certified root; every other outcome is recorded as a problem of its class
 * ({@link Verification.Failure}), so the gate cannot pass by having nothing to look at.
 */
final class CanaryGate {
    /** Answers that mean "not now" (a suite that just started, a planner still rehydrating): submit again. */
    private static final Set<Integer> TRANSIENT = Set.of(429, 502, 503, 504);

    /** What a plan's status means to the gate. */
    enum Decision {
        /** accepted, running, completed (waiting for votes), or a state this hxoctl does not know. */
        UNDECIDED,
        CERTIFIED,
        CERTIFICATION_FAILED,
        /** halted, aborted, timed out: it ended without a consensus decision. */
        ENDED_UNCERTIFIED;

        static Decision of(String status) {
            PlanState state;
            try {
                state = PlanState.fromWire(status);
            } catch (IllegalArgumentException e) {
                return UNDECIDED; // a state this hxoctl does not know yet
            }
            return switch (state) {
                case CERTIFIED -> CERTIFIED;
                case CERTIFICATION_FAILED -> CERTIFICATION_FAILED;
                case HALTED, ABORTED, TIMED_OUT -> ENDED_UNCERTIFIED;
                case ACCEPTED, RUNNING, COMPLETED -> UNDECIDED;
            };
        }
    }

    private final Gateway gw;
    private final Verification v;
    private final Duration timeout;
    private final long pollMs;
    private final int samples;
    private String subject = "canary";

    CanaryGate(Gateway gw, Verification v, Duration timeout, long pollMs, int samples) {
        this.gw = gw;
        this.v = v;
        this.timeout = timeout;
        this.pollMs = pollMs;
        this.samples = samples;
    }

    /**
     * The default canary: {@code shards} {@code test.noop} shards under a fresh salt, so no shard of it
     * was ever run before and none is served from cache. A test kind, so it is no deployment: it
     * records no rollback point and fires no deploy hook.
     */
    static ObjectNode defaultCanary(int shards) {
        String salt = "hxoctl-canary/" + Instant.now() + "/" + UUID.randomUUID();
        ObjectNode plan = Json.mapper().createObjectNode().put("name", "hxoctl-canary");
        ObjectNode stage = plan.putArray("stages").addObject().put("id", "canary").put("kind", "test.noop");
        stage.putObject("config").put("count", shards).put("salt", salt);
        return plan;
    }

    /**
     * Runs the gate on {@code plan}; {@code expectedLeaves}, when known (the default canary), is the
     * leaf count its certificate must have. Returns the plan's id, or null when none was created.
     */
    String run(ObjectNode plan, Integer expectedLeaves) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // A fresh key on every run: a submit answered 504 may still have created the plan, and the key
        // makes sending it again safe; a key kept from the file would answer with an old, decided plan.
        plan.put("idempotency_key", "hxoctl-gate/" + UUID.randomUUID());
        String planId = submit(plan, deadline);
        if (planId == null) {
            return null;
        }
        subject = "canary " + planId;
        JsonNode status = awaitDecision(planId, deadline);
        if (status == null) {
            return planId;
        }
        String state = status.path("status").asText();
        Decision decision = Decision.of(state);
        if (decision == Decision.CERTIFICATION_FAILED) {
            v.problem(subject, "ended certification_failed: " + disagreement(status.path("certificate")),
                    Verification.Failure.CERTIFICATION_FAILED);
            return planId;
        }
        if (decision != Decision.CERTIFIED) {
            v.problem(subject, "ended " + state + " without a certificate"
                    + (status.path("error").isTextual() ? ": " + status.path("error").asText() : ""),
                    Verification.Failure.NO_CERTIFICATE);
            return planId;
        }
        Gateway.Answer c = gw.get("/api/hxo/plan/" + planId + "/certificate");
        if (!c.ok() || c.body() == null) {
            v.problem(subject, "certified, but no certificate is served: " + c.problem(),
                    Verification.Failure.NO_CERTIFICATE);
            return planId;
        }
        JsonNode cert = c.body();
        List<String> faults = new ArrayList<>(Verification.certificateFaults(cert, planId,
                status.path("merkle_root").asText(null)));
        if (expectedLeaves != null && cert.path("leaf_count").asLong() != expectedLeaves) {
            faults.add("the certificate covers " + cert.path("leaf_count").asLong() + " leaves, the canary has "
                    + expectedLeaves + " shards");
        }
        if (!faults.isEmpty()) {
            faults.forEach(f -> v.problem(subject, f, Verification.Failure.EVIDENCE));
            return planId;
        }
        BusLeaves.Found found = awaitLeaves(planId, status, deadline);
        if (found.leaves().isEmpty()) {
            v.problem(subject, "certified, but no proof could be checked: " + (found.problem() != null
                    ? "the bus's history is not readable (" + found.problem() + ")"
                    : "no leaf of it in the bus's history (hxo.shard.done) within " + timeout),
                    Verification.Failure.NOTHING_CHECKED);
            return planId;
        }
        int sampled = Math.min(samples, found.leaves().size());
        int verified = v.sampleProofs(subject, planId, cert, found.leaves(), samples);
        if (verified > 0 && verified == sampled) {
            v.ok(subject, "certified " + cert.path("mode").asText() + " with " + cert.path("votes").size()
                    + " votes; " + verified + " of " + cert.path("leaf_count").asLong()
                    + " leaves' proofs verify offline under root " + cert.path("merkle_root").asText());
        }
        return planId;
    }

    /** Creates and starts the plan; null (with the problem recorded) when it was refused or not accepted in time. */
    private String submit(ObjectNode plan, long deadline) throws InterruptedException {
        String body = Json.text(plan);
        while (true) {
            Gateway.Answer a = gw.post("/api/hxo/create-and-submit", body);
            if (a.ok() && a.body() != null && a.body().hasNonNull("plan_id")) {
                return a.body().path("plan_id").asText();
            }
            if (!TRANSIENT.contains(a.status()) || System.nanoTime() > deadline) {
                String fields = errors(a.body());
                v.problem(subject, (TRANSIENT.contains(a.status()) ? "not accepted within " + timeout + ": "
                        : "the gateway refused the plan: ") + a.problem() + fields,
                        Verification.Failure.NO_CERTIFICATE);
                return null;
            }
            Thread.sleep(pollMs);
        }
    }

    /**
     * Polls the plan's status until its consensus is decided or it ended otherwise; null (with the
     * problem recorded) when the deadline passed first. A completed plan is still waiting for votes.
     */
    private JsonNode awaitDecision(String planId, long deadline) throws InterruptedException {
        JsonNode last = null;
        String lastProblem = null;
        while (true) {
            Gateway.Answer a = gw.get("/api/hxo/status/" + planId);
            if (a.ok() && a.body() != null) {
                last = a.body();
                if (Decision.of(last.path("status").asText()) != Decision.UNDECIDED) {
                    return last;
                }
            } else {
                lastProblem = a.problem(); // a status read that failed is tried again until the deadline
            }
            if (System.nanoTime() > deadline) {
                v.problem(subject, "no certificate within " + timeout + ": " + (last == null
                        ? "its status was never readable (" + lastProblem + ")"
                        : "still " + last.path("status").asText() + ", " + last.path("shards").path("done").asLong()
                                + " of " + last.path("total_shards").asLong() + " shards done"),
                        Verification.Failure.NO_CERTIFICATE);
                return null;
            }
            Thread.sleep(pollMs);
        }
    }

    /**
     * The plan's leaves from the bus's history. The bus stores events on its own schedule, so an empty
     * answer is read again until the deadline; a history that cannot be read at all ends the wait.
     */
    private BusLeaves.Found awaitLeaves(String planId, JsonNode status, long deadline) throws InterruptedException {
        while (true) {
            BusLeaves.Found found = BusLeaves.of(gw, planId, status.path("created_at").asText(null),
                    status.path("finished_at").asText(null), Math.max(samples * 20, 1000));
            if (!found.leaves().isEmpty() || found.problem() != null || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(pollMs);
        }
    }

    /** What the validators said, for a plan whose certification failed. */
    static String disagreement(JsonNode cert) {
        if (cert == null || cert.isMissingNode() || cert.isNull()) {
            return "no certificate recorded";
        }
        StringBuilder why = new StringBuilder(cert.path("outcome").asText("?"));
        why.append(" under ").append(cert.path("mode").asText("?")).append(", planner root ")
                .append(abbrev(cert.path("merkle_root").asText(""))).append(";");
        for (JsonNode vote : cert.path("votes")) {
            why.append(' ').append(vote.path("validator").asText()).append(" voted ");
            why.append(vote.hasNonNull("merkle_root") ? abbrev(vote.path("merkle_root").asText())
                    : "nothing (" + vote.path("error").asText("no root") + ")");
            why.append(',');
        }
        if (!cert.path("missing").isEmpty()) {
            why.append(" missing votes from ").append(cert.path("missing"));
        } else if (why.charAt(why.length() - 1) == ',') {
            why.setLength(why.length() - 1);
        }
        return why.toString();
    }

    private static String abbrev(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex.isEmpty() ? "none" : hex;
    }

    private static String errors(JsonNode problem) {
        if (problem == null || !problem.path("errors").isArray() || problem.path("errors").isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(" [");
        for (JsonNode e : problem.path("errors")) {
            out.append(out.length() > 2 ? "; " : "").append(e.path("path").asText()).append(": ")
                    .append(e.path("message").asText());
        }
        return out.append(']').toString();
    }
}
