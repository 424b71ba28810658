package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.ShardList;
import io.hxo.planner.partition.WorkItem;
import io.hxo.planner.secrets.PlanSecrets;
import io.hxo.runtime.blocking.Awaiting;
import io.hxo.runtime.config.DatabaseUrl;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code deploy.migrate}: applies its batch of SQL statements to {@code config.database_url}, in
 * order (one batch at a time), in one transaction together with a ledger row per statement in the
 * target's {@code hxo_migration_statements}, so running it again is a no-op. A statement's ledger
 * key chains it to every statement before it ({@code key = SHA-256(previous key ‖ sql)}), so it does
 * not depend on how the statements were cut into batches: a re-run with other batch sizes, or of a
 * longer list that starts with the same statements, applies only what the ledger lacks. SQL is not
 * idempotent by nature, so a real run needs a successful dry run of the same statements first
 * ({@code config.dry_run: true} runs each batch, after the statements before it, in a transaction
 * that is rolled back, and records its keys in {@code hxo_migration_statement_dry_runs}). Ledgers
 * written by version 1 (one row per batch, {@code hxo_migration_ledger}) are still honoured.
 * Statements come from {@code config.sql} (a list) or
 * {@code config.sql_file} (statements end with {@code ;} at the end of a line). The target is
 * {@code config.database_url}, or better {@code config.database_url_env}, the name of an environment
 * variable holding it, so no password is stored anywhere; a literal URL with a password is sealed at
 * submit and travels only as its fingerprint.
 *
 * <p>The target is reached with the reactive PostgreSQL client: one {@link PgConnection} per run (or
 * precondition check), its statements in one transaction with their ledger rows. Shards run on worker
 * threads, which wait for each step; no event loop ever waits.
 */
@ApplicationScoped
public class MigrateExecutor implements ShardExecutor {
    static final String LEDGER = "hxo_migration_statements";
    static final String DRY_RUNS = "hxo_migration_statement_dry_runs";
    /** Version 1's ledgers, one row per batch digest: read so that what they recorded is never applied again. */
    static final String BATCH_LEDGER = "hxo_migration_ledger";
    static final String BATCH_DRY_RUNS = "hxo_migration_dry_runs";

    /** How long reaching the target may take before the run (or the precondition) fails. */
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final PlanSecrets secrets;
    private final Vertx vertx;

    public MigrateExecutor(PlanSecrets secrets, Vertx vertx) {
        this.secrets = secrets;
        this.vertx = vertx;
    }

    @Override
    public String kind() {
        return "deploy.migrate";
    }

    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public String version() {
        return "2";
    }

    @Override
    public Nature nature() {
        return Nature.EFFECT;
    }

    @Override
    public List<String> partitioners() {
        return List.of("by_sql_batch", "recorded");
    }

    @Override
    public boolean sequential() {
        return true;
    }

    @Override
    public JsonNode withDefaults(JsonNode config) throws PartitionException {
        String field = config.has("database_url_env") ? "database_url_env" : "database_url";
        try {
            url(config);
        } catch (IllegalArgumentException e) {
            throw new PartitionException(field, e.getMessage());
        }
        return config;
    }

    DatabaseUrl url(JsonNode config) {
        return DatabaseUrl.parse(secrets.text(config, "database_url").orElse(""));
    }

    @Override
    public List<WorkItem> items(JsonNode config) throws PartitionException {
        List<String> statements = new ArrayList<>();
        if (config.has("sql")) {
            if (!config.get("sql").isArray()) {
                throw new PartitionException("sql", "must be a list of SQL statements");
            }
            config.get("sql").forEach(s -> statements.add(s.asText()));
        } else if (config.has("sql_file")) {
            try {
                statements.addAll(split(Files.readString(Path.of(config.get("sql_file").asText()), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new PartitionException("sql_file", "cannot be read: " + e.getMessage());
            }
        } else {
            throw new PartitionException("sql", "give the statements (sql) or a file of them (sql_file)");
        }
        if (statements.isEmpty()) {
            throw new PartitionException("sql", "has no statements");
        }
        List<WorkItem> items = new ArrayList<>();
        String key = "";
        for (int i = 0; i < statements.size(); i++) {
            key = chain(key, statements.get(i));
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("n", i);
            data.put("sql", statements.get(i));
            data.put("key", key);
            items.add(new WorkItem(Integer.toString(i), 1, null, data));
        }
        return items;
    }

    /** Statements of a file: each ends with a semicolon at the end of a line. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("--") && cur.length() == 0) {
                continue;
            }
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String stmt = cur.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1).strip());
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    /**
     * A dry run of batch k proves nothing unless batches 0..k-1 ran before it in the same
     * transaction: each dry-run shard carries the statements that precede its batch ({@code prior}).
     */
    @Override
    public ShardList arrange(JsonNode config, ShardList shards) {
        if (!config.path("dry_run").asBoolean(false)) {
            return shards;
        }
        List<JsonNode> out = new ArrayList<>(shards.size());
        ArrayNode prior = Json.mapper().createArrayNode();
        for (int i = 0; i < shards.size(); i++) {
            ObjectNode in = ((ObjectNode) shards.input(i)).deepCopy();
            in.set("prior", prior.deepCopy());
            in.path("items").forEach(prior::add);
            out.add(in);
        }
        return ShardList.of(out);
    }

    /** A statement's ledger key: its text chained to the key of the statement before it ("" for the first). */
    static String chain(String previousKey, String sql) {
        return Hex.of(HashAlg.SHA_256.hash((previousKey + "\n" + sql).getBytes(StandardCharsets.UTF_8)));
    }

    /** Version 1's key of a whole batch: the digest of its items as version 1 wrote them (without keys). */
    static String batchDigest(JsonNode inputs) {
        ArrayNode items = Json.mapper().createArrayNode();
        for (JsonNode item : inputs.path("items")) {
            ObjectNode v1 = item.deepCopy();
            v1.remove("key");
            items.add(v1);
        }
        return Hex.of(HashAlg.SHA_256.hash(Jcs.canonicalize(items)));
    }

    /** The ledger keys of a shard's statements, or empty for a shard recorded by version 1 (no keys). */
    private static List<String> keys(JsonNode inputs) {
        List<String> keys = new ArrayList<>();
        for (JsonNode item : inputs.path("items")) {
            if (!item.hasNonNull("key")) {
                return List.of();
            }
            keys.add(item.get("key").asText());
        }
        return keys;
    }

    @Override
    public Optional<PartitionException> precondition(JsonNode config, List<JsonNode> shardInputs) {
        if (config.path("dry_run").asBoolean(false)) {
            return Optional.empty();
        }
        try (Target c = connect(config)) {
            c.ensureTables();
            for (int i = 0; i < shardInputs.size(); i++) {
                if (!batchRecorded(c, shardInputs.get(i)) && !proven(c, keys(shardInputs.get(i)))) {
                    return Optional.of(new PartitionException("dry_run", "batch " + i + " of this migration has no"
                            + " successful dry run; run the stage with config.dry_run=true first"));
                }
            }
            return Optional.empty();
        } catch (TargetException e) {
            return Optional.of(new PartitionException("database_url", "cannot be reached: " + e.getMessage()));
        }
    }

    @Override
    public JsonNode run(JsonNode inputs) throws Exception {
        boolean dryRun = inputs.path("dry_run").asBoolean(false);
        List<String> keys = keys(inputs);
        int applied = 0;
        try (Target c = connect(inputs)) {
            c.ensureTables();
            if (dryRun) {
                // What a real run would do: the statements before this batch, then the batch, each
                // unless the ledger says it is in the database already; then all of it undone.
                Transaction trial = c.begin();
                try {
                    for (JsonNode item : inputs.path("prior")) {
                        executeUnlessApplied(c, item);
                    }
                    for (JsonNode item : inputs.path("items")) {
                        executeUnlessApplied(c, item);
                    }
                } finally {
                    Target.rollback(trial);
                }
                Transaction proof = c.begin();
                try {
                    for (String key : keys) {
                        c.record(DRY_RUNS, key, 1);
                    }
                    if (keys.isEmpty()) {
                        c.record(BATCH_DRY_RUNS, batchDigest(inputs), inputs.path("items").size());
                    }
                    await("commit the dry run's record", proof.commit());
                } catch (RuntimeException e) {
                    Target.rollback(proof);
                    throw e;
                }
            } else {
                Transaction tx = c.begin();
                try {
                    // One migration at a time per target, whatever planner instance runs it.
                    c.execute("SELECT pg_advisory_xact_lock(hashtext('" + LEDGER + "'))");
                    applied = apply(c, inputs, keys);
                    await("commit the migration batch", tx.commit());
                } catch (RuntimeException e) {
                    Target.rollback(tx);
                    throw e;
                }
            }
        }
        // The same output whether applied now or found in the ledger: a resumed plan keeps its root.
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("batch", keys.isEmpty() ? batchDigest(inputs) : Hex.of(HashAlg.SHA_256.hash(Jcs.canonicalize(Json.tree(keys)))));
        out.put("statements", inputs.path("items").size());
        out.put("mode", dryRun ? "dry_run" : "apply");
        out.put("applied", applied);
        return out;
    }

    /**
     * Applies the statements the ledger lacks, each recorded with its key in the same transaction;
     * returns how many ran. A batch version 1 recorded whole counts as applied.
     */
    private static int apply(Target c, JsonNode inputs, List<String> keys) {
        if (c.has(BATCH_LEDGER, batchDigest(inputs))) {
            return 0;
        }
        int applied = 0;
        int i = 0;
        for (JsonNode item : inputs.path("items")) {
            String key = keys.isEmpty() ? null : keys.get(i++);
            if (key != null && c.has(LEDGER, key)) {
                continue;
            }
            c.execute(item.get("sql").asText());
            applied++;
            if (key != null) {
                c.record(LEDGER, key, 1);
            }
        }
        if (keys.isEmpty()) {
            c.record(BATCH_LEDGER, batchDigest(inputs), inputs.path("items").size());
        }
        return applied;
    }

    /** A dry run's statement ({@code {sql, key}}, or version 1's bare text), skipped when its key is applied. */
    private static void executeUnlessApplied(Target c, JsonNode item) {
        String sql = item.isTextual() ? item.asText() : item.get("sql").asText();
        if (item.hasNonNull("key") && c.has(LEDGER, item.get("key").asText())) {
            return;
        }
        c.execute(sql);
    }

    /** Every statement dry-run or applied before (none for a batch without keys: version 1's ledgers decide). */
    private static boolean proven(Target c, List<String> keys) {
        for (String key : keys) {
            if (!c.has(DRY_RUNS, key) && !c.has(LEDGER, key)) {
                return false;
            }
        }
        return !keys.isEmpty();
    }

    /** Whether version 1 recorded this exact batch (applied, or for a real run's precondition, dry-run). */
    private static boolean batchRecorded(Target c, JsonNode inputs) {
        String digest = batchDigest(inputs);
        return c.has(BATCH_LEDGER, digest) || (keys(inputs).isEmpty() && c.has(BATCH_DRY_RUNS, digest));
    }

    /** How many statements ran is not part of the result: a re-run that finds them all in the ledger is equal work. */
    @Override
    public JsonNode digestView(JsonNode output) {
        ObjectNode view = output.deepCopy();
        view.remove("applied");
        return view;
    }

    /** One connection to the migration's target database, from its {@code database_url}. */
    private Target connect(JsonNode config) {
        DatabaseUrl url = url(config);
        PgConnectOptions options = new PgConnectOptions().setHost(url.host()).setPort(url.port())
                .setDatabase(url.database()).setConnectTimeout(CONNECT_TIMEOUT_MS)
                // the ledger's CREATE TABLE IF NOT EXISTS (and a migration's own notices) would each be a
                // logged warning of the client otherwise; errors still fail the statement
                .setProperties(new java.util.HashMap<>(java.util.Map.of("application_name", "hxo-planner migrate",
                        "client_min_messages", "warning")));
        if (url.username() != null) {
            options.setUser(url.username());
        }
        if (url.password() != null) {
            options.setPassword(url.password());
        }
        if (url.sslMode() != null) {
            SslMode mode = SslMode.of(url.sslMode());
            options.setSslMode(mode);
            // libpq's meaning, as pgjdbc had it: require/prefer/allow encrypt without checking the certificate
            options.setTrustAll(mode != SslMode.VERIFY_CA && mode != SslMode.VERIFY_FULL);
        }
        return new Target(await("connect to the migration's database " + url.host() + ":" + url.port() + "/"
                + url.database(), PgConnection.connect(vertx, options)));
    }

    /** The migration's database failed or could not be reached; the shard fails with its message. */
    static final class TargetException extends RuntimeException {
        TargetException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Waits on a worker thread for one step on the target (an interrupted wait fails the step). */
    private static <T> T await(String what, Uni<T> step) {
        return Awaiting.await(step, e -> new TargetException(what + ": " + Awaiting.rootMessage(e), e));
    }

    /** The target database through one connection; every step waits for its answer (a worker thread). */
    private record Target(PgConnection connection) implements AutoCloseable {

        Transaction begin() {
            return await("begin a transaction", connection.begin());
        }

        static void rollback(Transaction tx) {
            try {
                tx.rollbackAndAwait();
            } catch (RuntimeException e) {
                // ended by the failed statement already, or this thread was interrupted (the shard timed
                // out): closing the connection ends the transaction and releases its advisory lock
            }
        }

        /** A statement of the migration, as written (simple protocol: no parameters, any SQL). */
        void execute(String sql) {
            await("run a migration statement", connection.query(sql).execute());
        }

        void ensureTables() {
            for (String table : List.of(LEDGER, DRY_RUNS, BATCH_LEDGER, BATCH_DRY_RUNS)) {
                execute("CREATE TABLE IF NOT EXISTS " + table
                        + " (batch text PRIMARY KEY, statements int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            }
        }

        boolean has(String table, String digest) {
            return await("read the migration ledger", connection.preparedQuery("SELECT 1 FROM " + table
                    + " WHERE batch = $1").execute(Tuple.of(digest))).size() > 0;
        }

        void record(String table, String digest, int statements) {
            await("write the migration ledger", connection.preparedQuery("INSERT INTO " + table
                    + " (batch, statements) VALUES ($1, $2) ON CONFLICT (batch) DO NOTHING")
                    .execute(Tuple.of(digest, statements)));
        }

        /**
         * Closes without waiting, so a thread interrupted by the shard's timeout still lets the connection
         * go. After a timeout the running statement is cancelled first: a backend waiting on a lock would
         * not notice the closed socket, and would keep the advisory lock the next attempt waits for.
         */
        @Override
        public void close() {
            Uni<Void> end = Thread.currentThread().isInterrupted()
                    ? connection.cancelRequest().onFailure().recoverWithNull().chain(connection::close)
                    : connection.close();
            end.subscribe().with(done -> { }, gone -> { });
        }
    }
}
