package io.hxo.bench;

import io.hxo.contracts.payload.PlanState;
import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.ShardWork;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Benchmarks against a running suite (./hxo up): plans go in through the gateway's REST API, the end
 * of each plan (its certification) is seen on {@code hxo.plan} straight from the broker (no status
 * polling in the loop).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench latency [runs] [rounds]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench throughput SHARDS [CONCURRENCY]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench resume SHARDS [CONCURRENCY]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench reads SHARDS [READS_PER_SECOND]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench statusreads [PRINCIPALS] [SECONDS] [PLANS]
 * </pre>
 * {@code statusreads}: status reads as many users meet them, under the gateway's own rate limit:
 * PRINCIPALS (64) captains, each with a token minted for it and so its own bucket, read the status of
 * PLANS (8) finished plans in a closed loop for SECONDS (20) after 5 s of warm-up; answers per second,
 * latency percentiles of the 200s and the count of 429s.
 * {@code reads}: while a plan of SHARDS runs (default configuration), the status, a shard's proof and
 * the certificate of a finished plan are read through the gateway at READS_PER_SECOND (20: within one
 * principal's default rate limit), and each route's latency percentiles are printed.
 * {@code resume} needs two planner instances ({@code HXO_PLANNER_INSTANCES=2 ./hxo up}): it kills the
 * plan's owner with SIGKILL half-way and measures how the survivor finishes.
 * Settings from the environment: HXO_URL (http://127.0.0.1:8080), ADMIRAL_TOKEN, KAFKA_BOOTSTRAP_SERVERS
 * (127.0.0.1:9092), HXO_STATE_DIR (.hxo, for the planner's PID and so its memory).
 */
public final class SuiteBench {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url = env("HXO_URL", "http://127.0.0.1:8080");
    private final String token = env("ADMIRAL_TOKEN", "");
    private final Map<String, Long> ended = new ConcurrentHashMap<>();
    private final Map<String, String> endStatus = new ConcurrentHashMap<>();
    private volatile boolean listening = true;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: SuiteBench latency [runs] [rounds] | throughput SHARDS [WINDOW] | resume SHARDS [WINDOW]"
                    + " | reads SHARDS [READS_PER_SECOND] | statusreads [PRINCIPALS] [SECONDS] [PLANS]");
            System.exit(2);
        }
        SuiteBench b = new SuiteBench();
        Thread listener = b.listen();
        try {
            switch (args[0]) {
                case "latency" -> b.latency(args.length > 1 ? Integer.parseInt(args[1]) : 200,
                        args.length > 2 ? Integer.parseInt(args[2]) : 1);
                // No window: the default configuration, as a user meets it (no plan constraints).
                case "throughput" -> b.throughput(Integer.parseInt(args[1]),
                        args.length > 2 ? Integer.valueOf(args[2]) : null);
                case "resume" -> b.resume(Integer.parseInt(args[1]), args.length > 2 ? Integer.valueOf(args[2]) : null);
                case "reads" -> b.reads(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 20);
                case "statusreads" -> b.statusReads(args.length > 1 ? Integer.parseInt(args[1]) : 64,
                        args.length > 2 ? Integer.parseInt(args[2]) : 20, args.length > 3 ? Integer.parseInt(args[3]) : 8);
                default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
            }
        } finally {
            b.listening = false;
            listener.join(2000);
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Follows hxo.plan from its end: when each plan reached a final state. */
    Thread listen() throws InterruptedException {
        Properties p = consumerProps();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
                List<TopicPartition> parts = new ArrayList<>();
                c.partitionsFor("hxo.plan").forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                c.assign(parts);
                c.seekToEnd(parts);
                parts.forEach(c::position);
                ready.countDown();
                while (listening) {
                    for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(20))) {
                        CloudEvent ev = KafkaBinding.fromRecord(rec);
                        Events.PlanChanged ch = ev.dataAs(Events.PlanChanged.class);
                        // A plan's journey ends at the consensus decision, not at "completed".
                        PlanState state = PlanState.fromWire(ch.status());
                        if (state != PlanState.COMPLETED && !state.live()) {
                            endStatus.put(ch.planId(), ch.status());
                            ended.put(ch.planId(), System.nanoTime());
                            synchronized (ended) {
                                ended.notifyAll();
                            }
                        }
                    }
                }
            }
        }, "plan-listener");
        t.setDaemon(true);
        t.start();
        ready.await();
        return t;
    }

    String submit(String plan) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/hxo/create-and-submit"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(plan)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return Json.tree(r.body().getBytes()).get("plan_id").asText();
    }

    /** Waits, woken by the listener (not polling: the bench shares the two cores with the suite). */
    long awaitEnd(String planId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (ended) {
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Long t = ended.get(planId);
                if (t != null) {
                    if (!PlanState.CERTIFIED.wire().equals(endStatus.get(planId))) {
                        throw new IllegalStateException("plan " + planId + " ended " + endStatus.get(planId));
                    }
                    return t;
                }
                ended.wait(Math.max(1, left / 1_000_000));
            }
        }
        throw new IllegalStateException("plan " + planId + " did not end within " + timeout);
    }

    /**
     * ROUNDS rounds of RUNS one-shard plans in this one JVM, a line each, so the later rounds see
     * the bench and the services past their JIT warm-up (about five minutes for the services).
     */
    void latency(int runs, int rounds) throws Exception {
        for (int r = 0; r < rounds; r++) {
            latency(runs);
        }
    }

    void latency(int runs) throws Exception {
        Histogram h = new Histogram(60_000_000L, 3);
        long cpuBefore = BusBench.processCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < runs + 20; i++) {
            String plan = "{\"name\":\"bench-latency\",\"stages\":[{\"id\":\"n\",\"kind\":\"test.noop\",\"config\":{\"salt\":\""
                    + UUID.randomUUID() + "\"}}]}";
            long t0 = System.nanoTime();
            String id = submit(plan);
            long t1 = awaitEnd(id, Duration.ofSeconds(30));
            if (i >= 20) { // the first 20 warm the JITs up
                h.recordValue((t1 - t0) / 1000);
            }
        }
        double benchCores = (BusBench.processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - start);
        System.out.printf("one-shard plan, REST submit -> certified, %d runs: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms; the bench itself used %.2f cores%n", runs, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                benchCores);
    }

    /**
     * A plan of {@code shards} test.noop shards; with a {@code window}, the plan sets its dispatch window
     * and asks for that much concurrency (which HXO_MAX_CONCURRENCY caps); without, it sets nothing.
     */
    static String noopPlan(String name, int shards, Integer window, String salt) {
        String constraints = window == null ? ""
                : "\"constraints\":{\"max_concurrency\":" + window + ",\"dispatch_window\":" + window + "},";
        return "{\"name\":\"" + name + "\"," + constraints + "\"stages\":[{\"id\":\"n\",\"kind\":\"test.noop\","
                + "\"config\":{\"count\":" + shards + ",\"salt\":\"" + salt + "\"}}]}";
    }

    void throughput(int shards, Integer window) throws Exception {
        long t0 = System.nanoTime();
        String id = submit(noopPlan("bench-throughput", shards, window, UUID.randomUUID().toString()));
        long t1 = awaitEnd(id, Duration.ofMinutes(30));
        double seconds = (t1 - t0) / 1e9;
        System.out.printf("%d test.noop shards (%s), REST submit -> certified: %.1f s, %.0f shards/s%n",
                shards, window == null ? "default configuration" : "window " + window, seconds, shards / seconds);
        printMemory("hxo-planner");
        JsonNode st = status(id);
        System.out.println("status: " + st.path("status").asText() + ", done " + st.at("/shards/done").asLong()
                + ", root " + st.path("merkle_root").asText());
    }

    /**
     * Kill -9 of the plan's owner at about half of the plan; the other planner instance takes the
     * partition over. Reports the time to finish, the shards executed more than once (counted from
     * every result on hxo.shard.results) and whether the root equals the one computed from the inputs.
     */
    void resume(int shards, Integer concurrency) throws Exception {
        Path pids = Path.of(env("HXO_STATE_DIR", ".hxo"), "pids");
        Map<String, Long> masks = plannerMasks();
        String salt = UUID.randomUUID().toString();
        try (KafkaConsumer<String, byte[]> results = tail("hxo.shard.results")) {
            long t0 = System.nanoTime();
            String id = submit(noopPlan("bench-resume", shards, concurrency, salt));
            // The gateway keys a plan's commands by its id; the owner is the instance holding that partition.
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    % results.partitionsFor("hxo.commands").size();
            String owner = masks.entrySet().stream().filter(e -> (e.getValue() & (1L << partition)) != 0)
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no planner owns partition " + partition + ": " + masks));
            // The main instance has a generated id; the extra ones are named after their component.
            String component = owner.startsWith("hxo-planner-") ? owner : "hxo-planner";
            long pid = Long.parseLong(Files.readString(pids.resolve(component + ".pid")).trim());
            Map<Integer, Integer> runs = new java.util.HashMap<>();
            long done = 0;
            while (done < shards / 2) {
                drainResults(results, id, runs, Duration.ofMillis(100));
                done = status(id).at("/shards/done").asLong();
            }
            long tKill = System.nanoTime();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
            System.out.printf("killed %s (pid %d, owner of partition %d) at %d/%d shards done, %.1f s after submit%n",
                    component, pid, partition, done, shards, (tKill - t0) / 1e9);
            while (!ended.containsKey(id)) {
                drainResults(results, id, runs, Duration.ofMillis(100));
            }
            long tEnd = awaitEnd(id, Duration.ofMinutes(10));
            drainResults(results, id, runs, Duration.ofSeconds(2));
            long twice = runs.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            JsonNode st = status(id);
            String expected = expectedNoopRoot(st.path("hash_alg").asText(), shards, salt);
            System.out.printf("finished %.1f s after the kill (%.1f s in all); shards executed more than once: %d;"
                    + " root %s the root computed from the inputs%n", (tEnd - tKill) / 1e9, (tEnd - t0) / 1e9, twice,
                    expected.equals(st.path("merkle_root").asText()) ? "equals" : "DIFFERS FROM");
            System.out.println("status: " + st.path("status").asText() + ", done " + st.at("/shards/done").asLong()
                    + ", executed " + runs.size() + " distinct shards");
        }
    }

    /** Planner instance id to the partitions it owns (bit mask), from the heartbeats; waits for two owners. */
    Map<String, Long> plannerMasks() throws Exception {
        Map<String, Long> masks = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> beats = tail("federation.heartbeat")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : beats.poll(Duration.ofMillis(200))) {
                    Events.Heartbeat hb = KafkaBinding.fromRecord(rec).dataAs(Events.Heartbeat.class);
                    if ("hxo-planner".equals(hb.service())) {
                        masks.put(hb.instance(), hb.load().getOrDefault("owned_partitions_mask", 0.0).longValue());
                    }
                }
                if (masks.values().stream().filter(m -> m != 0).count() >= 2) {
                    return masks;
                }
            }
        }
        throw new IllegalStateException("resume needs two planner instances owning partitions (HXO_PLANNER_INSTANCES=2"
                + " ./hxo up); heard " + masks);
    }

    static void drainResults(KafkaConsumer<String, byte[]> c, String planId, Map<Integer, Integer> runs, Duration d) {
        long until = System.nanoTime() + d.toNanos();
        do {
            for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(50))) {
                CloudEvent ev = KafkaBinding.fromRecord(rec);
                if (planId.equals(ev.subject())) {
                    for (ShardWork.Result r : ev.dataAs(ShardWork.ResultBatch.class).results()) {
                        if (r.ok() && !r.reused()) {
                            runs.merge(r.index(), 1, Integer::sum);
                        }
                    }
                }
            }
        } while (System.nanoTime() < until);
    }

    /** The root SPEC section 3 defines for a test.noop plan, from its inputs alone. */
    static String expectedNoopRoot(String alg, int shards, String salt) {
        HashAlg hash = HashAlg.fromWire(alg);
        List<byte[]> leaves = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++) {
            JsonNode io = Json.tree(Map.of("index", i, "salt", salt));
            byte[] cas = ShardId.compute(hash, "test.noop", "noop", "1", io, List.of());
            leaves.add(InclusionProof.leafData(cas, hash.hash(Jcs.canonicalize(io))));
        }
        return Hex.of(MerkleTree.build(hash, leaves).root());
    }

    KafkaConsumer<String, byte[]> tail(String topic) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps());
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return c;
    }

    static Properties consumerProps() {
        Properties p = new Properties();
        p.put("bootstrap.servers", env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("fetch.max.wait.ms", "5");
        p.put("max.partition.fetch.bytes", String.valueOf(8 << 20));
        return p;
    }

    /** Reads of a finished plan while a large one runs on the same owner: p50/p99/max per route. */
    void reads(int shards, int perSecond) throws Exception {
        String finished = submit(noopPlan("bench-reads-finished", 100, null, UUID.randomUUID().toString()));
        awaitEnd(finished, Duration.ofMinutes(2));
        JsonNode page = get("/api/hxo/plan/" + finished + "/shards?state=done&limit=1");
        String cas = page.path("shards").path(0).path("cas_id").asText();
        String[] routes = {"/api/hxo/status/" + finished, "/api/hxo/plan/" + finished + "/proof/" + cas,
                "/api/hxo/plan/" + finished + "/certificate"};
        Histogram[] h = {new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)};
        int[] refused = new int[3];
        long t0 = System.nanoTime();
        String big = submit(noopPlan("bench-reads-running", shards, null, UUID.randomUUID().toString()));
        long period = 1_000_000_000L / Math.max(1, perSecond);
        long next = System.nanoTime();
        int i = 0;
        while (!ended.containsKey(big) && System.nanoTime() - t0 < Duration.ofMinutes(30).toNanos()) {
            next += period;
            int r = i++ % routes.length;
            long s0 = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + routes[r]))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            h[r].recordValue(Math.min((System.nanoTime() - s0) / 1000, 60_000_000L));
            if (answer.statusCode() != 200) {
                refused[r]++;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
        double seconds = (ended.getOrDefault(big, System.nanoTime()) - t0) / 1e9;
        System.out.printf("%d-shard plan (default configuration) ran %.1f s (%.0f shards/s) while a finished plan was read"
                + " at %d/s:%n", shards, seconds, shards / seconds, perSecond);
        String[] names = {"status", "proof", "certificate"};
        for (int r = 0; r < 3; r++) {
            System.out.printf("  %-11s %5d reads: p50 %.1f ms, p99 %.1f ms, max %.1f ms, not 200: %d%n", names[r],
                    h[r].getTotalCount(), h[r].getValueAtPercentile(50) / 1000.0, h[r].getValueAtPercentile(99) / 1000.0,
                    h[r].getMaxValue() / 1000.0, refused[r]);
        }
    }

    /** Closed-loop status reads, one thread and one minted captain token (its own bucket) per principal. */
    void statusReads(int principals, int seconds, int plans) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < plans; i++) {
            ids.add(submit(noopPlan("bench-status-" + i, 1000, null, UUID.randomUUID().toString())));
        }
        for (String id : ids) {
            awaitEnd(id, Duration.ofMinutes(2));
        }
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < principals; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/auth/token"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"captain\",\"ttl_seconds\":3600,"
                            + "\"subject\":\"bench-reader-" + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException("token mint answered " + r.statusCode() + ": " + r.body());
            }
            tokens.add(Json.tree(r.body().getBytes()).get("token").asText());
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Histogram ok = new Histogram(60_000_000L, 3);
        java.util.concurrent.atomic.LongAdder limited = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder other = new java.util.concurrent.atomic.LongAdder();
        long warmEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < principals; i++) {
            String bearer = "Bearer " + tokens.get(i);
            int first = i;
            Thread t = new Thread(() -> {
                Histogram mine = new Histogram(60_000_000L, 3);
                for (int n = first; System.nanoTime() < end; n++) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/hxo/status/" + ids.get(n % ids.size())))
                            .header("Authorization", bearer).build();
                    long s0 = System.nanoTime();
                    int code;
                    try {
                        code = client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
                    } catch (Exception e) {
                        code = -1;
                    }
                    long took = System.nanoTime() - s0;
                    if (s0 < warmEnd) {
                        continue;
                    }
                    if (code == 200) {
                        mine.recordValue(Math.min(took / 1000, 60_000_000L));
                    } else if (code == 429) {
                        limited.increment();
                    } else {
                        other.increment();
                    }
                }
                synchronized (ok) {
                    ok.add(mine);
                }
            }, "reader-" + i);
            t.start();
            readers.add(t);
        }
        for (Thread t : readers) {
            t.join();
        }
        System.out.printf("status reads, %d principals (own buckets), %d finished plans, %d s: %.0f answers/s (200),"
                + " p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms; 429: %.0f/s; other: %d%n", principals, plans,
                seconds, ok.getTotalCount() / (double) seconds, ok.getValueAtPercentile(50) / 1000.0,
                ok.getValueAtPercentile(90) / 1000.0, ok.getValueAtPercentile(99) / 1000.0, ok.getMaxValue() / 1000.0,
                limited.sum() / (double) seconds, other.sum());
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (m.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + m.statusCode() + ": " + m.body());
        }
        return Json.tree(m.body().getBytes());
    }

    JsonNode status(String id) throws Exception {
        HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(url + "/api/hxo/status/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return m.statusCode() == 200 ? Json.tree(m.body().getBytes()) : Json.mapper().createObjectNode();
    }

    static void printMemory(String component) throws Exception {
        Path pid = Path.of(env("HXO_STATE_DIR", ".hxo"), "pids", component + ".pid");
        if (Files.exists(pid)) {
            String status = Files.readString(Path.of("/proc", Files.readString(pid).trim(), "status"));
            for (String line : status.split("\n")) {
                if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) {
                    System.out.println(component + " " + line.replaceAll("\\s+", " "));
                }
            }
        }
    }
}
