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
import io.hxo.planner.partition.Partitioner.PartitionException;
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
 * order (one batch at a time), in one transaction together with a row in the target's
 * {@code hxo_migration_ledger}, so running it again is a no-op. It is not idempotent by nature,
 * so a real run needs a successful dry run of the same batches first ({@code config.dry_run: true}
 * runs each batch in a transaction that is rolled back and records it in
 * {@code hxo_migration_dry_runs}). Statements come from {@code config.sql} (a list) or
 * {@code config.sql_file} (statements end with {@code ;} at the end of a line). The target is
 * {@code config.database_url}, or better {@code config.database_url_env}, the name of an environment
 * variable holding it, so no password travels in shard inputs.
 */
@ApplicationScoped
public class MigrateExecutor implements ShardExecutor {
    static final String LEDGER = "hxo_migration_ledger";
    static final String DRY_RUNS = "hxo_migration_dry_runs";

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
        return "1";
    }

    @Override
    public List<String> partitioners() {
        return List.of("by_sql_batch", "recorded");
    }

    @Override
    public boolean idempotent() {
        return false;
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

    static DatabaseUrl url(JsonNode config) {
        if (config.has("database_url_env")) {
            String name = config.get("database_url_env").asText();
            String value = System.getenv(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("names " + name + ", which is not set");
            }
            return DatabaseUrl.parse(value);
        }
        return DatabaseUrl.parse(config.path("database_url").asText(""));
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
        for (int i = 0; i < statements.size(); i++) {
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("n", i);
            data.put("sql", statements.get(i));
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
            in.path("items").forEach(item -> prior.add(item.get("sql")));
            out.add(in);
        }
        return ShardList.of(out);
    }

    static String batchDigest(JsonNode inputs) {
        return Hex.of(HashAlg.SHA_256.hash(Jcs.canonicalize(inputs.path("items"))));
    }

    @Override
    public Optional<PartitionException> precondition(JsonNode config, List<JsonNode> shardInputs) {
        if (config.path("dry_run").asBoolean(false)) {
            return Optional.empty();
        }
        try (Connection c = connect(config)) {
            ensureTables(c);
            for (int i = 0; i < shardInputs.size(); i++) {
                String digest = batchDigest(shardInputs.get(i));
                if (!has(c, DRY_RUNS, digest) && !has(c, LEDGER, digest)) {
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
        String digest = batchDigest(inputs);
        try (Connection c = connect(inputs)) {
            ensureTables(c);
            c.setAutoCommit(false);
            try {
                if (dryRun) {
                    try (Statement s = c.createStatement()) {
                        for (JsonNode sql : inputs.path("prior")) {
                            s.execute(sql.asText());
                        }
                    }
                    execute(c, inputs);
                    c.rollback();
                    record(c, DRY_RUNS, digest, inputs.path("items").size());
                    c.commit();
                } else {
                    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                        lock.setString(1, digest);
                        lock.execute();
                    }
                    if (!has(c, LEDGER, digest)) {
                        execute(c, inputs);
                        record(c, LEDGER, digest, inputs.path("items").size());
                    }
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        // The same output whether applied now or found in the ledger: a resumed plan keeps its root.
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("batch", digest);
        out.put("statements", inputs.path("items").size());
        out.put("mode", dryRun ? "dry_run" : "apply");
        return out;
    }

    private static void execute(Connection c, JsonNode inputs) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (JsonNode item : inputs.path("items")) {
                s.execute(item.get("sql").asText());
            }
        }
    }

    private static Connection connect(JsonNode config) throws SQLException {
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
            s.execute("CREATE TABLE IF NOT EXISTS " + LEDGER
                    + " (batch text PRIMARY KEY, statements int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE IF NOT EXISTS " + DRY_RUNS
                    + " (batch text PRIMARY KEY, statements int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
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
