package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.client.ApiClient;
import io.hxo.client.ApiException;
import io.hxo.client.ApiResponse;
import io.hxo.client.api.AuthApi;
import io.hxo.client.api.BusApi;
import io.hxo.client.api.LinksApi;
import io.hxo.client.api.PlansApi;
import io.hxo.client.api.ProofsApi;
import io.hxo.client.model.Caller;
import io.hxo.client.model.Certificate;
import io.hxo.client.model.EventPage;
import io.hxo.client.model.InclusionProof;
import io.hxo.client.model.Link;
import io.hxo.client.model.Plan;
import io.hxo.client.model.PlanAccepted;
import io.hxo.client.model.PlanStatus;
import io.hxo.client.model.Problem;
import io.hxo.client.model.Stage;
import io.hxo.client.model.StoredEvent;
import io.hxo.client.model.TokenAnswer;
import io.hxo.client.model.TokenRequest;
import io.hxo.client.model.Vote;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Java client generated at build time from the committed OpenAPI document
 * (federation-gateway/src/main/openapi/hxo-gateway.yaml, kept equal to the served one by the
 * gateway's OpenApiContractTest) drives the running suite as a user's program would: the seed's
 * plan to certified, its certificate and a shard's proof, and typed problem documents.
 */
@Order(5)
@ExtendWith(Suite.class)
class GeneratedClientSystemTest {
    static ApiClient client(Consumer<HttpRequest.Builder> auth) {
        ApiClient c = new ApiClient();
        c.updateBaseUri("http://127.0.0.1:" + Suite.GATEWAY);
        c.setConnectTimeout(Duration.ofSeconds(3));
        c.setReadTimeout(Duration.ofSeconds(15));
        if (auth != null) {
            c.setRequestInterceptor(auth);
        }
        return c;
    }

    static ApiClient bearer(String token) {
        return client(b -> b.header("Authorization", "Bearer " + token));
    }

    /** The answer of a refused call, read as the document's Problem schema. */
    static Problem problem(ApiClient client, ApiException e) throws IOException {
        assertThat(e.getResponseHeaders().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        Problem p = client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
        assertThat(p.getStatus()).isEqualTo(e.getCode());
        return p;
    }

    /** The seed's plan: {"name":"test_deploy","stages":[{"id":"test","kind":"deploy.pack","slo_ms":60000}]}. */
    static Plan seedPlan() {
        return new Plan().name("test_deploy").stages(List.of(new Stage().id("test").kind("deploy.pack").sloMs(60000L)));
    }

    /**
     * Every link healthy, and one plan through the planner first: on a fresh suite on a small machine
     * the planner's very first plan can take longer than HXO_FEDERATION_TIMEOUT to answer (504,
     * though the plan is created), so the warm-up retries under one idempotency key, as a client
     * should after a 504.
     */
    @BeforeAll
    static void everyLinkIsHealthyAndThePlannerWarm() {
        LinksApi links = new LinksApi(bearer(Suite.CAPTAIN));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> links.getLinksHealth()
                .getLinks().stream().allMatch(l -> l.getState() == Link.StateEnum.HEALTHY));
        PlansApi plans = new PlansApi(bearer(Suite.ADMIRAL));
        Plan warmUp = new Plan().name("warm-up").idempotencyKey("generated-client-warm-up-" + UUID.randomUUID())
                .stages(List.of(new Stage().id("noop").kind("test.noop")));
        PlanAccepted accepted = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsMatching(e -> e instanceof ApiException a && a.getCode() == 504)
                .until(() -> plans.createAndSubmitPlan(warmUp), a -> a != null);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> !List.of("accepted", "running", "completed")
                        .contains(plans.getPlanStatus(accepted.getPlanId()).getStatus().getValue()));
    }

    @Test
    void theSeedsPlanIsCertifiedAndAShardsProofLeadsToItsRoot() throws Exception {
        ApiClient admiral = bearer(Suite.ADMIRAL);
        PlansApi plans = new PlansApi(admiral);
        ApiResponse<PlanAccepted> accepted = plans.createAndSubmitPlanWithHttpInfo(seedPlan());
        assertThat(accepted.getStatusCode()).isEqualTo(202);
        UUID planId = accepted.getData().getPlanId();
        assertThat(accepted.getData().getStatus()).isEqualTo("running");
        assertThat(accepted.getHeaders().get("location")).singleElement()
                .satisfies(l -> assertThat(l).endsWith("/api/hxo/status/" + planId));

        PlanStatus[] last = new PlanStatus[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = plans.getPlanStatus(planId);
            // The document declares the plan states as an enum, so the client's status is typed.
            return !List.of("accepted", "running", "completed").contains(last[0].getStatus().getValue());
        });
        PlanStatus status = last[0];
        assertThat(status.getStatus()).as(status.toString()).isEqualTo(PlanStatus.StatusEnum.CERTIFIED);
        assertThat(status.getTotalShards()).isPositive();
        assertThat(status.getShards().getDone() + status.getShards().getCached()).isEqualTo(status.getTotalShards());
        String root = status.getMerkleRoot();

        Certificate cert = new ProofsApi(admiral).getPlanCertificate(planId);
        assertThat(cert.getOutcome()).isEqualTo("certified");
        assertThat(cert.getPlanId()).isEqualTo(planId);
        assertThat(cert.getMerkleRoot()).isEqualTo(root);
        assertThat(cert.getVotes()).extracting(Vote::getValidator)
                .containsExactlyInAnyOrder("hxo-planner", "genesis-bus", "arie-auditor");
        assertThat(status.getCertificate().getOutcome()).isEqualTo("certified");

        // One shard's content address, from the plan's hxo.shard.done events as the bus stored them.
        ApiClient captain = bearer(Suite.CAPTAIN);
        String casId = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> firstLeaf(captain, planId), id -> id != null);
        InclusionProof proof = new ProofsApi(captain).getShardProof(planId, casId);
        assertThat(proof.getMerkleRoot()).isEqualTo(root);
        assertThat(proof.getCasId()).isEqualTo(casId);
        assertThat(proof.getTreeSize()).isEqualTo(status.getTotalShards());
        io.hxo.contracts.merkle.InclusionProof offline = new io.hxo.contracts.merkle.InclusionProof(
                proof.getPlanId().toString(), proof.getCasId(), proof.getOutputDigest(), proof.getLeafIndex(),
                proof.getTreeSize(), proof.getHashAlg(), proof.getAuditPath(), proof.getMerkleRoot());
        assertThat(offline.verify()).as("the proof leads from the leaf to the certified root").isTrue();
    }

    /** The cas id of the first leaf of the plan's stored hxo.shard.done events, or null while none is stored. */
    static String firstLeaf(ApiClient client, UUID planId) throws Exception {
        BusApi bus = new BusApi(client);
        Long after = null;
        while (true) {
            EventPage page = bus.listEvents("hxo.shard.done", after, null, null, 1000);
            for (StoredEvent ev : page.getEvents()) {
                // The history serves data as its JSON text (the live stream as an object): AnyJson either way.
                Object raw = ev.getData();
                JsonNode data = raw instanceof String text ? client.getObjectMapper().readTree(text)
                        : client.getObjectMapper().valueToTree(raw);
                JsonNode leaves = data.path("leaves");
                if (planId.toString().equals(ev.getSubject()) && leaves.size() > 0) {
                    return leaves.get(0).path("cas_id").asText();
                }
            }
            if (!Boolean.TRUE.equals(page.getMore())) {
                return null;
            }
            after = page.getThrough();
        }
    }

    @Test
    void aMissingOrShorthandTokenIsATyped401() throws Exception {
        ApiClient anonymous = client(null);
        ApiException none = catchThrowableOfType(ApiException.class, () -> new PlansApi(anonymous).listPlans(null, 10, null));
        assertThat(none.getCode()).isEqualTo(401);
        Problem p = problem(anonymous, none);
        assertThat(p.getType().toString()).endsWith("/unauthorized");
        assertThat(p.getInstance()).isEqualTo("/api/hxo/plans");

        ApiClient shorthand = client(b -> b.header("Authorization", "Admiral"));
        ApiException seed = catchThrowableOfType(ApiException.class, () -> new AuthApi(shorthand).whoAmI());
        assertThat(seed.getCode()).isEqualTo(401);
        assertThat(problem(shorthand, seed).getDetail()).contains("Bearer");
    }

    @Test
    void aPlanThatCannotRunIsATyped422NamingTheField() throws Exception {
        ApiClient admiral = bearer(Suite.ADMIRAL);
        Plan bad = new Plan().name("cannot-run").stages(List.of(new Stage().id("x").kind("no.such.kind")));
        ApiException e = catchThrowableOfType(ApiException.class, () -> new PlansApi(admiral).createAndSubmitPlan(bad));
        assertThat(e.getCode()).isEqualTo(422);
        Problem p = problem(admiral, e);
        assertThat(p.getErrors()).isNotEmpty();
        assertThat(p.getErrors().get(0).getPath()).isEqualTo("stages[0].kind");
    }

    @Test
    void aFloodIsATyped429WithRetryAfter() throws Exception {
        // A principal of its own (the bucket is per credential), so no other caller is slowed. Several
        // connections at once: the bucket refills at HXO_RATE_LIMIT_RPS, faster than one connection asks.
        ApiClient flood = bearer("flood-" + UUID.randomUUID());
        AuthApi auth = new AuthApi(flood);
        AtomicReference<ApiException> limited = new AtomicReference<>();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                senders.add(pool.submit(() -> {
                    while (limited.get() == null && sent.incrementAndGet() <= 5_000) {
                        ApiException e = catchThrowableOfType(ApiException.class, auth::whoAmI);
                        assertThat(e.getCode()).isIn(401, 429);
                        if (e.getCode() == 429) {
                            limited.compareAndSet(null, e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(limited.get()).as("429 within 5000 requests").isNotNull();
        Problem p = problem(flood, limited.get());
        assertThat(p.getType().toString()).endsWith("/rate-limited");
        assertThat(limited.get().getResponseHeaders().firstValue("retry-after")).isPresent();
    }

    @Test
    void aMintedJwtIsAcceptedAsABearerToken() throws Exception {
        ApiClient admiral = bearer(Suite.ADMIRAL);
        TokenAnswer t = new AuthApi(admiral).issueToken(new TokenRequest().role(TokenRequest.RoleEnum.CAPTAIN).ttlSeconds(120L)
                .subject("generated-client"));
        assertThat(t.getToken()).startsWith("eyJ");
        assertThat(t.getTokenType()).isEqualTo("Bearer");
        Caller me = new AuthApi(bearer(t.getToken())).whoAmI();
        assertThat(me.getPrincipal()).isEqualTo("generated-client");
        assertThat(me.getRole()).isEqualTo(Caller.RoleEnum.CAPTAIN);
    }
}
