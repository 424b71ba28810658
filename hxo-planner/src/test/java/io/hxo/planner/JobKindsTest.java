package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each job kind doing its real work on real inputs: files, a PostgreSQL database, a local HTTP server. */
@QuarkusTest
class JobKindsTest {
    static KafkaTestClient kafka;

    @Inject
    ArtifactStore artifacts;
    @Inject
    DataSource db;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    record Run(PlanStatus status, List<ShardWork.Result> results, Reply accepted) {
    }

    Run run(Map<String, Object> stage) {
        UUID planId = UUID.randomUUID();
        JsonNode plan = Json.tree(Map.of("name", "kinds", "stages", List.of(stage)));
        try (KafkaConsumer<String, byte[]> res = kafka.tail(Topic.HXO_SHARD_RESULTS)) {
            Reply accepted = kafka.request(Commands.PLAN_SUBMIT, planId.toString(),
                    new Commands.SubmitPlan(planId.toString(), plan, true, "test"));
            if (accepted.status() != 202) {
                return new Run(null, List.of(), accepted);
            }
            PlanStatus[] st = new PlanStatus[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                st[0] = Json.convert(kafka.request(Commands.PLAN_STATUS, planId.toString(),
                        new Commands.PlanQuery(planId.toString())).body(), PlanStatus.class);
                return !List.of("accepted", "running").contains(st[0].status());
            });
            List<ShardWork.Result> results = EngineTest.results(res, planId);
            return new Run(st[0], results, accepted);
        }
    }

    static void write(Path root, String rel, String content) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    static Path site(Path dir) throws Exception {
        write(dir, "index.html", "<html><body><h1>Merkle proofs for everyone</h1></body></html>");
        write(dir, "css/site.css", "body { color: black; }");
        write(dir, "js/app.js", "console.log('hxo');");
        write(dir, "img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'></svg>");
        write(dir, "docs/guide.md", "# Guide\nShards run in parallel. Merkle roots prove results.");
        write(dir, "docs/faq.md", "# FAQ\nWhat is a shard? A small idempotent unit of work.");
        Files.write(dir.resolve("big.bin"), new byte[1_500_000]);
        write(dir, ".git/config", "[core]");
        write(dir, "target/classes/X.class", "ignored");
        return dir;
    }

    @Test
    void packStoresEveryFileOnceInTheArtifactStoreAndOnlyChangedWorkRunsAgain(@TempDir Path dir) throws Exception {
        site(dir);
        Map<String, Object> stage = Map.of("id", "pack", "kind", "deploy.pack",
                "config", Map.of("source", dir.toString(), "chunk_size_mb", 1));
        Run first = run(stage);
        assertThat(first.status().status()).isEqualTo("completed");
        List<JsonNode> manifest = new ArrayList<>();
        first.results().forEach(r -> r.output().get("manifest").forEach(manifest::add));
        assertThat(manifest).extracting(m -> m.get("path").asText()).containsExactlyInAnyOrder("index.html",
                "css/site.css", "js/app.js", "img/logo.svg", "docs/guide.md", "docs/faq.md", "big.bin");
        for (JsonNode m : manifest) {
            assertThat(artifacts.exists(m.get("digest").asText())).isTrue();
            assertThat(Hex.of(HashAlg.SHA_256.hash(Files.readAllBytes(dir.resolve(m.get("path").asText())))))
                    .isEqualTo(m.get("digest").asText());
        }
        // The 1.5 MB file is over the 1 MB chunk: it travels alone.
        assertThat(first.results()).anyMatch(r -> r.output().get("manifest").size() == 1
                && r.output().get("manifest").get(0).get("path").asText().equals("big.bin"));

        // Same work again: all cached, same root.
        Run again = run(stage);
        assertThat(again.status().merkleRoot()).isEqualTo(first.status().merkleRoot());
        assertThat(again.status().shards().cached()).isEqualTo(again.status().totalShards());
        assertThat(again.results()).isEmpty();

        // One artifact gone: only the shard that stored it runs again.
        String css = manifest.stream().filter(m -> m.get("path").asText().equals("css/site.css")).findFirst()
                .orElseThrow().get("digest").asText();
        artifacts.delete(css);
        Run healed = run(stage);
        assertThat(healed.results()).hasSize(1);
        assertThat(healed.results().get(0).output().toString()).contains("css/site.css");
        assertThat(artifacts.exists(css)).isTrue();
        assertThat(healed.status().merkleRoot()).isEqualTo(first.status().merkleRoot());

        // A changed file changes its shard's id and output, and so the root.
        Thread.sleep(5);
        write(dir, "js/app.js", "console.log('changed');");
        Run changed = run(stage);
        assertThat(changed.status().merkleRoot()).isNotEqualTo(first.status().merkleRoot());
        assertThat(changed.results()).hasSize(1);
    }

    @Test
    void aFilesIdComesFromItsBytesNotFromItsSizeAndModificationTime(@TempDir Path dir) throws Exception {
        site(dir);
        // Reproducible builds stamp every file with one fixed time.
        java.nio.file.attribute.FileTime fixed = java.nio.file.attribute.FileTime.fromMillis(315_532_800_000L);
        Path app = dir.resolve("js/app.js");
        Files.setLastModifiedTime(app, fixed);
        Map<String, Object> stage = Map.of("id", "pack", "kind", "deploy.pack",
                "config", Map.of("source", dir.toString(), "chunk_size_mb", 1));
        Run first = run(stage);
        assertThat(first.status().status()).isEqualTo("completed");

        // One byte changes; the length and the modification time stay as they were.
        byte[] bytes = Files.readAllBytes(app);
        bytes[0] = (byte) (bytes[0] == 'c' ? 'C' : 'c');
        Files.write(app, bytes);
        Files.setLastModifiedTime(app, fixed);
        assertThat(Files.size(app)).isEqualTo(bytes.length);

        Run edited = run(stage);
        assertThat(edited.status().status()).isEqualTo("completed");
        assertThat(edited.results()).hasSize(1);
        assertThat(edited.results().get(0).output().toString()).contains("js/app.js");
        assertThat(edited.status().merkleRoot()).isNotEqualTo(first.status().merkleRoot());
        String packed = null;
        for (JsonNode m : edited.results().get(0).output().get("manifest")) {
            if (m.get("path").asText().equals("js/app.js")) {
                packed = m.get("digest").asText();
            }
        }
        assertThat(packed).isEqualTo(Hex.of(HashAlg.SHA_256.hash(bytes)));
    }

    @Test
    void fileReadingKindsNeverLeaveTheirSourceRoot(@TempDir Path dir, @TempDir Path outside) throws Exception {
        site(dir);
        Files.writeString(outside.resolve("secret.md"), "# not yours");
        for (String route : List.of("../" + outside.getFileName() + "/secret.md", outside.resolve("secret.md").toString(),
                "docs/../../x.md")) {
            Run r = run(Map.of("id", "docs", "kind", "docs.index", "partitioner", "by_route_map",
                    "config", Map.of("source", dir.toString(), "routes", Map.of("/x", route))));
            assertThat(r.accepted().status()).as(route).isEqualTo(422);
            assertThat(r.accepted().problem().errors()).extracting(Problem.FieldError::path)
                    .containsExactly("stages[0].config.routes./x");
        }
        // A link inside the source that points out of it: refused by the route map and by the file walk.
        Files.createSymbolicLink(dir.resolve("docs/leak.md"), outside.resolve("secret.md"));
        Run linked = run(Map.of("id", "docs", "kind", "docs.index", "partitioner", "by_route_map",
                "config", Map.of("source", dir.toString(), "routes", Map.of("/leak", "docs/leak.md"))));
        assertThat(linked.accepted().status()).isEqualTo(422);
        Run walked = run(Map.of("id", "pack", "kind", "deploy.pack", "config", Map.of("source", dir.toString())));
        assertThat(walked.accepted().status()).isEqualTo(422);
        assertThat(walked.accepted().problem().detail()).contains("docs/leak.md").contains("outside the source");
    }

    /** Sets deploy.pack's recorded history: 10 shards that packed 10 MiB in {@code meanMs} each. */
    void packHistory(double meanMs) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO hxo.kind_stats (kind, executor, shards, mean_ms, p95_ms, items, bytes, sized_shards)
                    VALUES ('deploy.pack', 'pack', 10, %1$s, %1$s, 10, 10485760, 10)
                    ON CONFLICT (kind, executor) DO UPDATE SET shards = 10, mean_ms = %1$s, p95_ms = %1$s, items = 10,
                        bytes = 10485760, sized_shards = 10""".formatted(meanMs));
        }
    }

    @Test
    void predictiveModeSizesShardsFromTheKindsRecordedCostUnlessThePlanFixesTheSize(@TempDir Path dir) throws Exception {
        for (String name : List.of("a.bin", "b.bin", "c.bin")) {
            byte[] bytes = new byte[600 * 1024];
            java.util.Arrays.fill(bytes, (byte) name.charAt(0));
            Files.write(dir.resolve(name), bytes);
        }
        Map<String, Object> stage = Map.of("id", "pack", "kind", "deploy.pack", "config", Map.of("source", dir.toString()));

        // 1 ms per KiB: a 2 s shard packs ~2 MB, so chunks of 1 MiB: one 600 KiB file each.
        packHistory(1024);
        Run slow = run(stage);
        assertThat(slow.status().status()).isEqualTo("completed");
        assertThat(slow.status().totalShards()).isEqualTo(3);

        // A hundred times faster: 128 MiB chunks, one shard for all three files.
        packHistory(10.24);
        Run fast = run(stage);
        assertThat(fast.status().totalShards()).isEqualTo(1);

        // A plan that fixes the chunk keeps it, whatever the history says.
        packHistory(1024);
        Run fixed = run(Map.of("id", "pack", "kind", "deploy.pack", "config", Map.of("source", dir.toString(),
                "chunk_size_mb", 8)));
        assertThat(fixed.status().totalShards()).isEqualTo(1);

        // What ran is recorded: the history now counts the items and bytes of the shards that ran.
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT items FROM hxo.kind_stats WHERE kind = 'deploy.pack'")) {
            rs.next();
            assertThat(rs.getLong(1)).isGreaterThan(10);
        }
    }

    @Test
    void byModulePacksOneShardPerTopLevelDirectory(@TempDir Path dir) throws Exception {
        site(dir);
        Run r = run(Map.of("id", "pack", "kind", "deploy.pack", "partitioner", "by_module",
                "config", Map.of("source", dir.toString())));
        assertThat(r.status().status()).isEqualTo("completed");
        assertThat(r.status().totalShards()).isEqualTo(5); // ".", css, docs, img, js
    }

    @Test
    void assetsIndexRecordsSizeDigestAndMediaTypeByBucket(@TempDir Path dir) throws Exception {
        site(dir);
        Run r = run(Map.of("id", "assets", "kind", "assets.index", "config", Map.of("source", dir.toString())));
        assertThat(r.status().status()).isEqualTo("completed");
        Map<String, JsonNode> byPath = new java.util.HashMap<>();
        r.results().forEach(x -> x.output().get("assets").forEach(a -> byPath.put(a.get("path").asText(), a)));
        assertThat(byPath.get("css/site.css").get("media_type").asText()).isEqualTo("text/css");
        assertThat(byPath.get("img/logo.svg").get("media_type").asText()).isEqualTo("image/svg+xml");
        assertThat(byPath.get("big.bin").get("size").asLong()).isEqualTo(1_500_000);
        assertThat(byPath).doesNotContainKey(".git/config");
        assertThat(r.status().totalShards()).isGreaterThanOrEqualTo(4); // documents, images, scripts, styles, other
    }

    @Test
    void docsIndexBuildsATermIndexArtifact(@TempDir Path dir) throws Exception {
        site(dir);
        Run r = run(Map.of("id", "docs", "kind", "docs.index", "partitioner", "by_route_map",
                "config", Map.of("source", dir.toString(), "routes", Map.of("/guide", "docs/guide.md",
                        "/faq", "docs/faq.md", "/", "index.html"))));
        assertThat(r.status().status()).isEqualTo("completed");
        JsonNode out = r.results().get(0).output();
        assertThat(out.get("documents").asInt()).isEqualTo(3);
        JsonNode index = Json.tree(artifacts.read(out.get("index").asText()));
        assertThat(index.get("merkle").has("/guide")).isTrue();
        assertThat(index.get("merkle").has("/")).isTrue();
        assertThat(index.get("shard").get("/faq").asInt()).isEqualTo(1);
        assertThat(index.has("html")).isFalse(); // markup is not text
    }

    @Test
    void primeGetsEveryRouteInEveryPlanAndRecordsStatusAndBodyDigest() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            byte[] body = ("page " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/missing") ? 404 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            Run r = run(Map.of("id", "prime", "kind", "deploy.prime", "config", Map.of(
                    "base_url", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "routes", List.of("/", "/docs", "/missing"), "routes_per_shard", 2)));
            assertThat(r.status().status()).isEqualTo("completed");
            assertThat(r.status().totalShards()).isEqualTo(2);
            assertThat(hits.get()).isEqualTo(3);
            Map<String, JsonNode> byRoute = new java.util.HashMap<>();
            r.results().forEach(x -> x.output().get("routes").forEach(e -> byRoute.put(e.get("route").asText(), e)));
            assertThat(byRoute.get("/missing").get("status").asInt()).isEqualTo(404);
            assertThat(byRoute.get("/docs").get("body_digest").asText())
                    .isEqualTo(Hex.of(HashAlg.SHA_256.hash("page /docs".getBytes(StandardCharsets.UTF_8))));

            // Priming is an effect: the same plan again warms every route again.
            Run again = run(Map.of("id", "prime", "kind", "deploy.prime", "config", Map.of(
                    "base_url", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "routes", List.of("/", "/docs", "/missing"), "routes_per_shard", 2)));
            assertThat(again.status().status()).isEqualTo("completed");
            assertThat(again.status().shards().cached()).isZero();
            assertThat(hits.get()).isEqualTo(6);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aHookIsAnEffectCalledByEveryPlanThatAsksForItNeverServedFromCache() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> posts = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/build_hooks/abc", ex -> {
            posts.add(ex.getRequestMethod());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            // The same config twice, no salt: equal work by id, but each plan asks for a build.
            Map<String, Object> stage = Map.of("id", "hook", "kind", "deploy.hook", "config", Map.of(
                    "url", "http://127.0.0.1:" + server.getAddress().getPort() + "/build_hooks/abc"));
            Run first = run(stage);
            assertThat(first.status().status()).isEqualTo("completed");
            assertThat(posts).containsExactly("POST");
            assertThat(first.results().get(0).output().get("status").asInt()).isEqualTo(200);
            assertThat(first.results().get(0).output().toString()).doesNotContain("build_hooks");

            Run second = run(stage);
            assertThat(second.status().status()).isEqualTo("completed");
            assertThat(posts).containsExactly("POST", "POST");
            assertThat(second.status().shards().cached()).isZero();
            assertThat(second.results()).hasSize(1);
            // The leaf is the outcome's digest: the same outcome, the same root.
            assertThat(second.status().merkleRoot()).isEqualTo(first.status().merkleRoot());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void migrateNeedsADryRunThenAppliesInOrderOnceRecordedInALedger() throws Exception {
        String schema = "mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> sql = List.of("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".t (n int)",
                "INSERT INTO " + schema + ".t VALUES (1)", "INSERT INTO " + schema + ".t VALUES (2)",
                "INSERT INTO " + schema + ".t SELECT max(n) + 1 FROM " + schema + ".t");
        String url = System.getenv().getOrDefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/hxo_test");
        Map<String, Object> config = new java.util.HashMap<>(Map.of("database_url", url, "sql", sql, "batch_size", 2));

        Run refused = run(Map.of("id", "m", "kind", "deploy.migrate", "config", config));
        assertThat(refused.accepted().status()).isEqualTo(422);
        assertThat(refused.accepted().problem().errors()).extracting(Problem.FieldError::path)
                .contains("stages[0].config.dry_run");

        Map<String, Object> dry = new java.util.HashMap<>(config);
        dry.put("dry_run", true);
        Run dryRun = run(Map.of("id", "m", "kind", "deploy.migrate", "config", dry));
        assertThat(dryRun.status().status()).isEqualTo("completed");
        assertThat(count("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'"))
                .isZero();

        Run applied = run(Map.of("id", "m", "kind", "deploy.migrate", "config", config));
        assertThat(applied.status().status()).isEqualTo("completed");
        assertThat(applied.status().totalShards()).isEqualTo(3);
        // In order: the last batch read what the earlier ones wrote.
        assertThat(count("SELECT max(n) FROM " + schema + ".t")).isEqualTo(3);
        // One batch at a time: no batch started before the previous one ended.
        List<ShardWork.Result> rs = new ArrayList<>(applied.results());
        rs.sort(java.util.Comparator.comparingInt(ShardWork.Result::index));
        for (int i = 1; i < rs.size(); i++) {
            assertThat(rs.get(i).startedAt()).isGreaterThanOrEqualTo(rs.get(i - 1).startedAt() + rs.get(i - 1).durationMs());
        }

        // New shard ids for the same batches: they run, find their ledger rows, change nothing.
        Map<String, Object> again = new java.util.HashMap<>(config);
        again.put("salt", "second");
        Run rerun = run(Map.of("id", "m", "kind", "deploy.migrate", "config", again));
        assertThat(rerun.status().status()).isEqualTo("completed");
        assertThat(count("SELECT count(*) FROM " + schema + ".t")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM hxo_migration_statements")).isGreaterThanOrEqualTo(5);

        // Cut into other batches, the same statements are the same ledger entries: nothing runs twice.
        Map<String, Object> rebatched = new java.util.HashMap<>(config);
        rebatched.put("batch_size", 1);
        Run oneByOne = run(Map.of("id", "m", "kind", "deploy.migrate", "config", rebatched));
        assertThat(oneByOne.status().status()).isEqualTo("completed");
        assertThat(oneByOne.status().totalShards()).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM " + schema + ".t")).isEqualTo(3);
        assertThat(oneByOne.results()).allSatisfy(r -> assertThat(r.output().get("applied").asInt()).isZero());
    }

    @Test
    void aSlowMigrationIsNeverSplitAndItsBatchesApplyOnceWhateverTheBatching() throws Exception {
        String schema = "mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // The first two batches of inserts sleep past the test profile's autosplit p95 (300 ms) while the
        // later ones are pending: a pure kind would split those here; a migration must not, or its ledger
        // would be written under other batches. (The later ones do not sleep: the last batch's dry run
        // re-runs every statement before it, and must stay inside the 1.5 s shard timeout.)
        List<String> sql = new ArrayList<>(List.of("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".t (n int)"));
        for (int i = 0; i < 8; i++) {
            sql.add("INSERT INTO " + schema + ".t SELECT " + i + " FROM pg_sleep(" + (i < 4 ? "0.2" : "0") + ")");
        }
        String url = System.getenv().getOrDefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/hxo_test");
        Map<String, Object> config = new java.util.HashMap<>(Map.of("database_url", url, "sql", sql, "batch_size", 2));
        Map<String, Object> dry = new java.util.HashMap<>(config);
        dry.put("dry_run", true);
        assertThat(run(Map.of("id", "m", "kind", "deploy.migrate", "config", dry)).status().status()).isEqualTo("completed");

        Run applied = run(Map.of("id", "m", "kind", "deploy.migrate", "config", config));
        assertThat(applied.status().status()).isEqualTo("completed");
        assertThat(applied.status().shards().split()).isZero();
        assertThat(applied.status().totalShards()).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM " + schema + ".t")).isEqualTo(8);

        // Three more statements after the same eight: only the new ones run, in batches of three.
        List<String> longer = new ArrayList<>(sql);
        for (int i = 8; i < 11; i++) {
            longer.add("INSERT INTO " + schema + ".t VALUES (" + i + ")");
        }
        Map<String, Object> more = new java.util.HashMap<>(Map.of("database_url", url, "sql", longer, "batch_size", 3));
        Map<String, Object> moreDry = new java.util.HashMap<>(more);
        moreDry.put("dry_run", true);
        assertThat(run(Map.of("id", "m", "kind", "deploy.migrate", "config", moreDry)).status().status())
                .isEqualTo("completed");
        Run extended = run(Map.of("id", "m", "kind", "deploy.migrate", "config", more));
        assertThat(extended.status().status()).isEqualTo("completed");
        assertThat(count("SELECT count(*) FROM " + schema + ".t")).isEqualTo(11);
        assertThat(count("SELECT count(DISTINCT n) FROM " + schema + ".t")).isEqualTo(11);
        assertThat(extended.results().stream().mapToInt(r -> r.output().get("applied").asInt()).sum()).isEqualTo(3);
    }

    @Test
    void aMigrationBatchStoppedByItsTimeoutAppliesNothingAndRunsOnceLater() throws Exception {
        String schema = "mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".t (n int)");
            s.execute("CREATE TABLE " + schema + ".gate (n int)");
            s.execute("INSERT INTO " + schema + ".gate VALUES (0)");
        }
        // One batch: an insert, then an update the test can hold up with a row lock.
        List<String> sql = List.of("INSERT INTO " + schema + ".t VALUES (1)", "UPDATE " + schema + ".gate SET n = n + 1");
        String url = System.getenv().getOrDefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/hxo_test");
        Map<String, Object> config = new java.util.HashMap<>(Map.of("database_url", url, "sql", sql, "batch_size", 2));
        Map<String, Object> dry = new java.util.HashMap<>(config);
        dry.put("dry_run", true);
        assertThat(run(Map.of("id", "m", "kind", "deploy.migrate", "config", dry)).status().status()).isEqualTo("completed");

        try (Connection holder = db.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT n FROM " + schema + ".gate FOR UPDATE");
            }
            // Every attempt waits on the lock past the shard timeout (1.5 s in tests) and is stopped.
            Run stopped = run(Map.of("id", "m", "kind", "deploy.migrate", "config", config));
            assertThat(stopped.status().status()).isEqualTo("halted");
            // The stopped attempts' insert was never committed, and no ledger row claims the batch.
            assertThat(count("SELECT count(*) FROM " + schema + ".t")).isZero();
            holder.rollback();
        }

        // The lock gone, the same batch applies once: the stopped attempts left no transaction or lock behind.
        Map<String, Object> again = new java.util.HashMap<>(config);
        again.put("salt", "after-the-timeout");
        Run applied = run(Map.of("id", "m", "kind", "deploy.migrate", "config", again));
        assertThat(applied.status().status()).isEqualTo("completed");
        assertThat(applied.results()).filteredOn(r -> r.output() != null)
                .extracting(r -> r.output().get("applied").asInt()).containsExactly(2);
        assertThat(count("SELECT count(*) FROM " + schema + ".t")).isEqualTo(1);
        assertThat(count("SELECT max(n) FROM " + schema + ".gate")).isEqualTo(1);

        Run rerun = run(Map.of("id", "m", "kind", "deploy.migrate", "config", config));
        assertThat(rerun.status().status()).isEqualTo("completed");
        assertThat(count("SELECT count(*) FROM " + schema + ".t")).isEqualTo(1);
    }

    @Test
    void theSeedsPlanWorksAsItIs() {
        UUID planId = UUID.randomUUID();
        Reply r = kafka.request(Commands.PLAN_SUBMIT, planId.toString(), new Commands.SubmitPlan(planId.toString(),
                Json.tree("{\"name\":\"test_deploy\",\"stages\":[{\"id\":\"test\",\"kind\":\"deploy.pack\",\"slo_ms\":60000}]}"
                        .getBytes()), true, "test"));
        assertThat(r.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> "completed".equals(Json.convert(kafka.request(
                Commands.PLAN_STATUS, planId.toString(), new Commands.PlanQuery(planId.toString())).body(),
                PlanStatus.class).status()));
    }

    long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Set<String> set(List<String> l) {
        return new HashSet<>(l);
    }
}
