package io.hxo.planner.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.db.Db;
import io.hxo.runtime.blocking.Awaiting;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Secrets in plans. A config may name a secret by environment variable ({@code url_env},
 * {@code database_url_env}: only the name is stored) or give it literally; a literal secret is
 * sealed at submit and replaced everywhere — stored spec, shard inputs, tasks, reports — by
 * {@code {"secret_fingerprint": "…"}}. Executors read their values through {@link #text}, which
 * resolves all three forms. Sealed values are {@link SealedSecret} rows (Panache); the callers (plan
 * intake on the owner thread, executors on worker threads) wait for them.
 */
@ApplicationScoped
public class PlanSecrets {
    /** The one field of a sealed value's stand-in. */
    public static final String SEALED = "secret_fingerprint";

    private final SecretSeal seal;
    private final Config config;
    /** Secrets opened (or sealed) by this instance: executors ask for the same few values again and again. */
    private final Map<String, String> opened = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1000;
        }
    });

    public PlanSecrets(Config config, @ConfigProperty(name = "kafka.hxo.seed-secret") Optional<String> seed,
            @ConfigProperty(name = "kafka.hxo.seed-secret-previous") Optional<String> previous) {
        this.config = config;
        List<String> seeds = new ArrayList<>();
        seed.filter(s -> !s.isBlank()).ifPresent(seeds::add);
        previous.filter(p -> !p.isBlank()).ifPresent(seeds::add);
        // Without a seed (zero trust off, no SEED_SECRET) nothing can be sealed: literal secrets are refused.
        this.seal = seed.filter(s -> !s.isBlank()).isPresent() ? new SecretSeal(seeds) : null;
    }

    /**
     * The config with every literal secret sealed: values under {@code alwaysSecret} top-level fields
     * (a build hook's URL is its credential) and values {@link SecretValues} recognises anywhere.
     */
    public JsonNode seal(JsonNode stageConfig, Set<String> alwaysSecret) {
        if (stageConfig == null || !stageConfig.isObject()) {
            return stageConfig;
        }
        ObjectNode out = stageConfig.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = out.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual() && alwaysSecret.contains(e.getKey()) && !e.getValue().asText().isEmpty()) {
                e.setValue(sealed(e.getValue().asText()));
            } else {
                e.setValue(sealNested(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    private JsonNode sealNested(String field, JsonNode value) {
        if (value.isTextual()) {
            return SecretValues.looksSecret(field, value.asText()) ? sealed(value.asText()) : value;
        }
        if (value.isObject() && !isSealed(value)) {
            ObjectNode o = (ObjectNode) value;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(sealNested(e.getKey(), e.getValue()));
            }
            return o;
        }
        if (value.isArray()) {
            ArrayNode a = (ArrayNode) value;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, sealNested(field, a.get(i)));
            }
        }
        return value;
    }

    /** Seals one value (stored once per fingerprint) and returns its stand-in. */
    private JsonNode sealed(String value) {
        if (seal == null) {
            throw new IllegalArgumentException("holds a secret literally, and this planner has no SEED_SECRET to seal"
                    + " it with; name an environment variable instead (<field>_env)");
        }
        String fp = seal.fingerprint(value);
        if (!opened.containsKey(fp)) {
            SealedSecret row = new SealedSecret();
            row.fingerprint = fp;
            row.keyId = seal.currentKeyId();
            row.sealed = seal.seal(fp, value);
            // Stored once per fingerprint: a secret sealed before (by any instance) is kept as it is.
            Awaiting.onContext(() -> Panache.withTransaction(() -> SealedSecret.<SealedSecret>findById(fp)
                    .chain(found -> found != null ? Uni.createFrom().voidItem() : row.persist().replaceWithVoid()))
                    .onFailure(Db::duplicate).recoverWithNull(), StoreException.about("seal secret"));
            opened.put(fp, value);
        }
        return Json.mapper().createObjectNode().put(SEALED, fp);
    }

    public static boolean isSealed(JsonNode value) {
        return value != null && value.isObject() && value.size() == 1 && value.path(SEALED).isTextual();
    }

    /**
     * The value of {@code field}: from the environment variable {@code <field>_env} names, a sealed
     * secret opened, or the literal text; empty when the config gives none of them.
     *
     * @throws IllegalArgumentException naming what is missing (an unset variable, a secret that cannot be opened)
     */
    public Optional<String> text(JsonNode stageConfig, String field) {
        JsonNode env = stageConfig.get(field + "_env");
        if (env != null && !env.isNull()) {
            String name = env.asText("");
            Optional<String> value = name.isBlank() ? Optional.empty()
                    : config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
            return Optional.of(value.orElseThrow(() -> new IllegalArgumentException(
                    "names the environment variable " + name + ", which is not set on this planner")));
        }
        JsonNode v = stageConfig.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        return Optional.of(isSealed(v) ? open(v.get(SEALED).asText()) : v.asText());
    }

    /** A copy of {@code value} with every sealed stand-in in it opened (a hook's body, say), for the moment it is sent. */
    public JsonNode opened(JsonNode value) {
        if (isSealed(value)) {
            return Json.mapper().getNodeFactory().textNode(open(value.get(SEALED).asText()));
        }
        if (value.isObject()) {
            ObjectNode out = Json.mapper().createObjectNode();
            value.fields().forEachRemaining(e -> out.set(e.getKey(), opened(e.getValue())));
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = Json.mapper().createArrayNode();
            value.forEach(v -> out.add(opened(v)));
            return out;
        }
        return value;
    }

    /** The value of an environment variable by name (a deploy target's hook), through the config sources. */
    public Optional<String> environment(String name) {
        return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
    }

    private String open(String fp) {
        String known = opened.get(fp);
        if (known != null) {
            return known;
        }
        SealedSecret row = Awaiting.onContext(() -> Panache.withSession(() -> SealedSecret.<SealedSecret>findById(fp)),
                StoreException.about("open secret"));
        if (row == null) {
            throw new IllegalArgumentException("refers to secret " + fp + ", which this planner does not hold");
        }
        String value = seal == null ? null : seal.open(row.keyId, fp, row.sealed);
        if (value == null) {
            throw new IllegalArgumentException("refers to secret " + fp + ", sealed under a SEED_SECRET this"
                    + " planner no longer has; submit the plan again");
        }
        opened.put(fp, value);
        return value;
    }
}
