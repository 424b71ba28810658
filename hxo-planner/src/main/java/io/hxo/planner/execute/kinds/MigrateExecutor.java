package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.config.DatabaseUrl;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.secrets.PlanSecrets;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.ShardList;
import io.hxo.planner.partition.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

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
 */
@ApplicationScoped
public class MigrateExecutor implements ShardExecutor {
    static final String LEDGER = "hxo_migration_statements";
    static final String DRY_RUNS = "hxo_migration_statement_dry_runs";
    /** Version 1's ledgers, one row per batch digest: read so that what they recorded is never applied again. */
    static final String BATCH_LEDGER = "hxo_migration_ledger";
    static final String BATCH_DRY_RUNS = "hxo_migration_dry_runs";

    private final PlanSecrets secrets;

    public MigrateExecutor(PlanSecrets secrets) {
        this.secrets = secrets;
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
        try (Connection c = connect(config)) {
            ensureTables(c);
            for (int i = 0; i < shardInputs.size(); i++) {
                if (!batchRecorded(c, shardInputs.get(i)) && !proven(c, keys(shardInputs.get(i)))) {
                    return Optional.of(new PartitionException("dry_run", "batch " + i + " of this migration has no"
                            + " successful dry run; run the stage with config.dry_run=true first"));
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(new PartitionException("database_url", "cannot be reached: " + e.getMessage()));
        }
    }

    @Override
    public JsonNode run(JsonNode inputs) throws Exception {
        boolean dryRun = inputs.path("dry_run").asBoolean(false);
        List<String> keys = keys(inputs);
        int applied = 0;
        try (Connection c = connect(inputs)) {
            ensureTables(c);
            c.setAutoCommit(false);
            try {
                if (dryRun) {
                    // What a real run would do: the statements before this batch, then the batch, each
                    // unless the ledger says it is in the database already.
                    try (Statement s = c.createStatement()) {
                        for (JsonNode item : inputs.path("prior")) {
                            executeUnlessApplied(c, s, item);
                        }
                        for (JsonNode item : inputs.path("items")) {
                            executeUnlessApplied(c, s, item);
                        }
                    }
                    c.rollback();
                    for (String key : keys) {
                        record(c, DRY_RUNS, key, 1);
                    }
                    if (keys.isEmpty()) {
                        record(c, BATCH_DRY_RUNS, batchDigest(inputs), inputs.path("items").size());
                    }
                    c.commit();
                } else {
                    // One migration at a time per target, whatever planner instance runs it.
                    try (Statement lock = c.createStatement()) {
                        lock.execute("SELECT pg_advisory_xact_lock(hashtext('" + LEDGER + "'))");
                    }
                    applied = apply(c, inputs, keys);
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
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
    private static int apply(Connection c, JsonNode inputs, List<String> keys) throws SQLException {
        if (has(c, BATCH_LEDGER, batchDigest(inputs))) {
            return 0;
        }
        int applied = 0;
        try (Statement s = c.createStatement()) {
            int i = 0;
            for (JsonNode item : inputs.path("items")) {
                String key = keys.isEmpty() ? null : keys.get(i++);
                if (key != null && has(c, LEDGER, key)) {
                    continue;
                }
                s.execute(item.get("sql").asText());
                applied++;
                if (key != null) {
                    record(c, LEDGER, key, 1);
                }
            }
        }
        if (keys.isEmpty()) {
            record(c, BATCH_LEDGER, batchDigest(inputs), inputs.path("items").size());
        }
        return applied;
    }

    /** A dry run's statement ({@code {sql, key}}, or version 1's bare text), skipped when its key is applied. */
    private static void executeUnlessApplied(Connection c, Statement s, JsonNode item) throws SQLException {
        String sql = item.isTextual() ? item.asText() : item.get("sql").asText();
        if (item.hasNonNull("key") && has(c, LEDGER, item.get("key").asText())) {
            return;
        }
        s.execute(sql);
    }

    /** Every statement dry-run or applied before (none for a batch without keys: version 1's ledgers decide). */
    private static boolean proven(Connection c, List<String> keys) throws SQLException {
        for (String key : keys) {
            if (!has(c, DRY_RUNS, key) && !has(c, LEDGER, key)) {
                return false;
            }
        }
        return !keys.isEmpty();
    }

    /** Whether version 1 recorded this exact batch (applied, or for a real run's precondition, dry-run). */
    private static boolean batchRecorded(Connection c, JsonNode inputs) throws SQLException {
        String digest = batchDigest(inputs);
        return has(c, BATCH_LEDGER, digest) || (keys(inputs).isEmpty() && has(c, BATCH_DRY_RUNS, digest));
    }

    /** How many statements ran is not part of the result: a re-run that finds them all in the ledger is equal work. */
    @Override
    public JsonNode digestView(JsonNode output) {
        ObjectNode view = output.deepCopy();
        view.remove("applied");
        return view;
    }

    private Connection connect(JsonNode config) throws SQLException {
        DatabaseUrl url = url(config);
        Properties p = new Properties();
        if (url.username() != null) {
            p.put("user", url.username());
        }
        if (url.password() != null) {
            p.put("password", url.password());
        }
        p.put("connectTimeout", "5");
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    private static void ensureTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String table : List.of(LEDGER, DRY_RUNS, BATCH_LEDGER, BATCH_DRY_RUNS)) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table
                        + " (batch text PRIMARY KEY, statements int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            }
        }
    }

    private static boolean has(Connection c, String table, String digest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE batch = ?")) {
            ps.setString(1, digest);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void record(Connection c, String table, String digest, int statements) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (batch, statements) VALUES (?, ?) ON CONFLICT (batch) DO NOTHING")) {
            ps.setString(1, digest);
            ps.setInt(2, statements);
            ps.executeUpdate();
        }
    }
}
