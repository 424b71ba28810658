package io.hxo.gateway.api;

/** Example requests and answers for the OpenAPI document: the seed's own requests. */
final class Examples {
    /** The seed's plan: one deploy.pack stage with a one-minute SLO. */
    static final String SEED_PLAN = "{\"name\":\"test_deploy\",\"stages\":[{\"id\":\"test\",\"kind\":\"deploy.pack\","
            + "\"slo_ms\":60000}]}";
    static final String ACCEPTED = "{\"plan_id\":\"019ae3c1-7d2a-7c41-9a55-3f1d2b8c9e01\",\"status\":\"running\","
            + "\"total_shards\":1,\"hash_alg\":\"sha3-256\"}";
    static final String START = "{\"plan_id\":\"019ae3c1-7d2a-7c41-9a55-3f1d2b8c9e01\"}";
    static final String TOKEN_REQUEST = "{\"role\":\"captain\",\"ttl_seconds\":600,\"subject\":\"ci-nightly\"}";

    private Examples() {
    }
}
