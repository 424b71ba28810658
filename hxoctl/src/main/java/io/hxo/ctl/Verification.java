package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code hxoctl verify} checks, as a list of results: each check is ok, a warning, or a problem
 * that names what is at fault (a link, a topic, a plan) and the class of failure it is. Talks to the
 * gateway only; proofs are verified here, offline, against the certificate's root.
 */
final class Verification {
    enum Level { OK, WARN, PROBLEM }

    /**
     * The class of a problem, with the exit code it gives {@code verify}. When problems of several
     * classes are found, the first class in this order decides the exit code.
     */
    enum Failure {
        /** A certificate's votes or root, or a sampled inclusion proof, does not hold. */
        EVIDENCE(5, "a certificate or proof does not hold"),
        /** The canary ended {@code certification_failed}: its validators disagreed or did not all vote. */
        CERTIFICATION_FAILED(3, "certification failed"),
        /** The canary was refused, ended without a certificate, or got none within the timeout. */
        NO_CERTIFICATE(4, "no certificate"),
        /** No sampled proof could be verified (no leaf on record, or no proof served). */
        NOTHING_CHECKED(6, "nothing could be checked"),
        /** A suite check failed: health, a link, schema versions, planners, topics. */
        PROBLEM(1, "problem");

        final int exitCode;
        final String title;

        Failure(int exitCode, String title) {
            this.exitCode = exitCode;
            this.title = title;
        }
    }

    /** One result; {@code failure} is set for problems only. */
    record Check(Level level, String subject, String message, Failure failure) {
    }

    private final Gateway gw;
    private final List<Check> checks = new ArrayList<>();
    private final Random random;

    Verification(Gateway gw, Random random) {
        this.gw = gw;
        this.random = random;
    }

    List<Check> checks() {
        return Collections.unmodifiableList(checks);
    }

    boolean ok() {
        return checks.stream().noneMatch(c -> c.level() == Level.PROBLEM);
    }

    /** The problem that decides the exit code (the first of the highest class), or null when none. */
    Check verdict() {
        return checks.stream().filter(c -> c.level() == Level.PROBLEM)
                .min(Comparator.comparingInt(c -> c.failure().ordinal())).orElse(null);
    }

    int exitCode() {
        Check v = verdict();
        return v == null ? 0 : v.failure().exitCode;
    }

    void ok(String subject, String message) {
        checks.add(new Check(Level.OK, subject, message, null));
    }

    void warn(String subject, String message) {
        checks.add(new Check(Level.WARN, subject, message, null));
    }

    private void problem(String subject, String message) {
        problem(subject, message, Failure.PROBLEM);
    }

    void problem(String subject, String message, Failure failure) {
        checks.add(new Check(Level.PROBLEM, subject, message, failure));
    }

    /** The gateway's /health (no token needed). Throws {@link Gateway.Unreachable} when it does not answer. */
    void health() {
        Gateway.Answer a = gw.get("/health");
        String status = a.body() == null ? "HTTP " + a.status() : a.body().path("status").asText();
        if ("UP".equals(status)) {
            ok("gateway", "health UP");
        } else {
            StringBuilder why = new StringBuilder("health " + status);
            if (a.body() != null) {
                a.body().path("checks").fields().forEachRemaining(e -> {
                    String s = e.getValue().path("status").asText("");
                    if (!s.isEmpty() && !"UP".equals(s)) {
                        why.append("; ").append(e.getKey()).append(' ').append(s).append(' ')
                                .append(e.getValue().path("detail").asText(""));
                    }
                });
            }
            problem("gateway", why.toString().trim());
        }
    }

    /** Every peer's link is healthy; with {@code deep}, its instances agree on the schema version. */
    void links(boolean deep) {
        Gateway.Answer a = gw.get("/api/hxo/links/health");
        if (!a.ok() || a.body() == null) {
            problem("links", "GET /api/hxo/links/health: " + a.problem());
            return;
        }
        JsonNode links = a.body().path("links");
        if (links.isEmpty()) {
            problem("links", "the gateway reports no links");
        }
        for (JsonNode link : links) {
            String service = link.path("service").asText();
            String state = link.path("state").asText();
            Set<String> schemas = new TreeSet<>();
            Set<String> versions = new TreeSet<>();
            for (JsonNode i : link.path("instances")) {
                schemas.add(i.path("schema_version").asText("?"));
                versions.add(i.path("version").asText("?"));
            }
            String subject = "link " + service;
            if (!"healthy".equals(state)) {
                String seen = link.path("age_ms").isNumber() ? ", last heard " + link.path("age_ms").asLong() + " ms ago"
                        : "";
                problem(subject, state + seen);
            } else if (deep && schemas.size() > 1) {
                problem(subject, "instances disagree on the schema version: " + schemas);
            } else {
                ok(subject, state + ", " + link.path("instances").size() + " instance(s), schema " + schemas);
            }
            if (deep && versions.size() > 1) {
                warn(subject, "instances run different versions " + versions + " (a rolling deploy in progress?)");
            }
        }
    }

    /** Planner instances: none left drained or draining (a drained planner does no work). */
    void planners() {
        Gateway.Answer a = gw.get("/api/hxo/status");
        if (!a.ok() || a.body() == null) {
            problem("planners", "GET /api/hxo/status: " + a.problem());
            return;
        }
        JsonNode instances = a.body().path("instances");
        if (instances.isEmpty()) {
            problem("planners", "no live hxo-planner instance");
            return;
        }
        for (JsonNode i : instances) {
            String state = i.path("state").asText();
            if (!"running".equals(state)) {
                warn("planner " + i.path("instance").asText(), state + ": it claims no work until resumed");
            }
        }
        ok("planners", instances.size() + " instance(s)");
    }

    /** The topic catalog exists on the broker, as the bus reports it. */
    void topics() {
        Gateway.Answer a = gw.get("/api/genesis/metrics");
        if (a.status() == 503) {
            warn("topics", "the bus routes are disabled (GENESIS_ENABLED=false): topics not checked");
            return;
        }
        if (!a.ok() || a.body() == null) {
            problem("topics", "GET /api/genesis/metrics: " + a.problem());
            return;
        }
        JsonNode catalog = a.body().path("catalog");
        if (catalog.isMissingNode()) {
            warn("topics", "the bus does not report its topic catalog: topics not checked");
            return;
        }
        if (catalog.path("missing").isEmpty()) {
            ok("topics", catalog.path("topics").asInt() + " catalog topics present");
        }
        for (JsonNode t : catalog.path("missing")) {
            problem("topic " + t.asText(), "missing on the broker");
        }
    }

    /**
     * The most recent {@code plans} certified plans other than {@code except} (the canary, checked on
     * its own): each certificate is internally consistent (every counted vote is for its root, the
     * mode's rule holds), agrees with the plan's root, and {@code samples} shards, whose leaves are
     * read from the bus's event store, prove inclusion under the certificate's root. A plan whose
     * leaves the history no longer holds is a warning: these plans add to the canary, they do not
     * replace it.
     */
    void certificates(int plans, int samples, String except) {
        if (plans == 0) {
            return;
        }
        // One more than asked, as the canary is usually the newest; the gateway lists at most 500.
        Gateway.Answer a = gw.get("/api/hxo/plans?status=certified&limit=" + Math.min(plans + 1, 500));
        if (!a.ok() || a.body() == null) {
            problem("certificates", "GET /api/hxo/plans: " + a.problem());
            return;
        }
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode plan : a.body().path("plans")) {
            if (list.size() < plans && !plan.path("plan_id").asText().equals(except)) {
                list.add(plan);
            }
        }
        if (list.isEmpty()) {
            warn("certificates", "no other certified plan yet");
            return;
        }
        for (JsonNode plan : list) {
            certificate(plan, samples);
        }
    }

    private void certificate(JsonNode plan, int samples) {
        String planId = plan.path("plan_id").asText();
        String subject = "plan " + planId;
        Gateway.Answer a = gw.get("/api/hxo/plan/" + planId + "/certificate");
        if (!a.ok() || a.body() == null) {
            problem(subject, "certificate: " + a.problem());
            return;
        }
        JsonNode cert = a.body();
        List<String> faults = certificateFaults(cert, planId, plan.path("merkle_root").asText(null));
        if (!faults.isEmpty()) {
            faults.forEach(f -> problem(subject, f, Failure.EVIDENCE));
            return;
        }
        BusLeaves.Found found = BusLeaves.of(gw, planId, plan.path("created_at").asText(null),
                plan.path("finished_at").asText(null), samples * 20);
        if (found.leaves().isEmpty()) {
            warn(subject, "certificate consistent, but no leaves found in the bus's history"
                    + (found.problem() == null ? "" : " (" + found.problem() + ")") + ": no proof sampled");
            return;
        }
        int sampled = Math.min(samples, found.leaves().size());
        int verified = sampleProofs(subject, planId, cert, found.leaves(), samples);
        if (verified == sampled) {
            ok(subject, "certificate " + cert.path("mode").asText() + " with " + cert.path("votes").size()
                    + " votes; " + verified + " sampled proof(s) verify under root " + cert.path("merkle_root").asText());
        }
    }

    /**
     * Verifies {@code samples} of {@code leaves} (all when fewer), picked at random: each shard's proof
     * is fetched from the gateway and must be about that shard, carry the output digest the bus
     * recorded, and lead to the certificate's root and size. Every sampled proof that does not is a
     * problem of the plan: {@link Failure#EVIDENCE}, or {@link Failure#NOTHING_CHECKED} when no proof
     * was served at all. Returns how many verified.
     */
    int sampleProofs(String subject, String planId, JsonNode cert, List<JsonNode> leaves, int samples) {
        List<JsonNode> picked = new ArrayList<>(leaves);
        Collections.shuffle(picked, random);
        picked = picked.subList(0, Math.min(samples, picked.size()));
        String root = cert.path("merkle_root").asText();
        long size = cert.path("leaf_count").asLong();
        String alg = cert.path("hash_alg").asText();
        int verified = 0;
        boolean forged = false;
        List<String> unserved = new ArrayList<>();
        for (JsonNode leaf : picked) {
            String cas = leaf.path("cas_id").asText();
            Gateway.Answer p = gw.get("/api/hxo/plan/" + planId + "/proof/" + Gateway.q(cas));
            if (!p.ok() || p.body() == null) {
                unserved.add("shard " + cas + ": no proof served: " + p.problem());
                continue;
            }
            InclusionProof proof;
            try {
                proof = Json.mapper().convertValue(p.body(), InclusionProof.class);
            } catch (IllegalArgumentException e) {
                problem(subject, "shard " + cas + ": the served proof is not a proof document", Failure.EVIDENCE);
                forged = true;
                continue;
            }
            String fault = proofFault(proof, planId, cas, leaf.path("output_digest").asText(), root, size, alg);
            if (fault != null) {
                problem(subject, fault, Failure.EVIDENCE);
                forged = true;
            } else {
                verified++;
            }
        }
        Failure missing = verified == 0 && !forged ? Failure.NOTHING_CHECKED : Failure.EVIDENCE;
        unserved.forEach(u -> problem(subject, u, missing));
        return verified;
    }

    /** What is wrong with a certificate on its own terms (empty when nothing is). */
    static List<String> certificateFaults(JsonNode cert, String planId, String planRoot) {
        List<String> faults = new ArrayList<>();
        String root = cert.path("merkle_root").asText("");
        if (!planId.equals(cert.path("plan_id").asText())) {
            faults.add("the certificate names plan " + cert.path("plan_id").asText());
        }
        if (!"certified".equals(cert.path("outcome").asText())) {
            faults.add("the certificate's outcome is " + cert.path("outcome").asText());
        }
        if (planRoot != null && !planRoot.equals(root)) {
            faults.add("the certificate's root " + root + " is not the plan's root " + planRoot);
        }
        JsonNode votes = cert.path("votes");
        Set<String> validators = new LinkedHashSet<>();
        int agreeing = 0;
        Map<String, String> disagreeing = new LinkedHashMap<>();
        for (JsonNode v : votes) {
            validators.add(v.path("validator").asText());
            if (root.equals(v.path("merkle_root").asText())
                    && v.path("leaf_count").asLong() == cert.path("leaf_count").asLong()) {
                agreeing++;
            } else {
                disagreeing.put(v.path("validator").asText(), v.path("merkle_root").asText("none"));
            }
        }
        String mode = cert.path("mode").asText();
        int expected = votes.size() + cert.path("missing").size();
        boolean holds = "QUORUM".equals(mode) ? agreeing * 2 > expected
                : agreeing == expected && cert.path("missing").isEmpty() && expected > 0;
        if (!holds) {
            faults.add("the votes do not certify root " + root + " under " + mode + ": " + agreeing + " of "
                    + expected + " agree" + (disagreeing.isEmpty() ? "" : ", others voted " + disagreeing)
                    + (cert.path("missing").isEmpty() ? "" : ", missing " + cert.path("missing")));
        }
        if (validators.size() != votes.size()) {
            faults.add("a validator voted more than once");
        }
        return faults;
    }

    /** Why a served proof does not establish the shard under the certificate (null when it does). */
    static String proofFault(InclusionProof proof, String planId, String casId, String digest, String root, long size,
            String hashAlg) {
        if (!casId.equals(proof.casId()) || !planId.equals(proof.planId())) {
            return "the proof served for shard " + casId + " is about another shard or plan";
        }
        if (digest != null && !digest.isEmpty() && !digest.equals(proof.outputDigest())) {
            return "shard " + casId + ": the proof's output digest differs from the one the bus recorded";
        }
        if (!root.equals(proof.merkleRoot()) || proof.treeSize() != size || !hashAlg.equals(proof.hashAlg())) {
            return "shard " + casId + ": the proof is for root " + proof.merkleRoot() + " (" + proof.treeSize()
                    + " leaves), the certificate for " + root + " (" + size + " leaves)";
        }
        if (!proof.verify()) {
            return "shard " + casId + ": the inclusion proof does not lead to the certificate's root " + root;
        }
        return null;
    }
}
