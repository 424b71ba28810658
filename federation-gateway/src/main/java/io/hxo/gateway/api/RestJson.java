package io.hxo.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hxo.contracts.json.Json;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * REST bodies use the wire's JSON dialect (snake_case, ISO times), and a body with a key twice in
 * one object is refused rather than read as its last value (bodies the resources parse themselves
 * go through {@code ApiProblem.strictTree}, which refuses it too).
 */
@Singleton
public class RestJson implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        Json.configure(mapper).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
