package io.hxo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
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

/**
 * Benchmarks against a running suite (./hxo up): plans go in through the gateway's REST API, the end
 * of each plan is seen on {@code hxo.plan} straight from the broker (no status polling in the loop).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench latency [runs]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench throughput SHARDS [CONCURRENCY]
 * </pre>
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
            System.err.println("usage: SuiteBench latency [runs] | throughput SHARDS [CONCURRENCY]");
            System.exit(2);
        }
        SuiteBench b = new SuiteBench();
        Thread listener = b.listen();
        try {
            switch (args[0]) {
                case "latency" -> b.latency(args.length > 1 ? Integer.parseInt(args[1]) : 200);
                case "throughput" -> b.throughput(Integer.parseInt(args[1]),
                        args.length > 2 ? Integer.parseInt(args[2]) : 20_000);
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
        Properties p = new Properties();
        p.put("bootstrap.servers", env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("fetch.max.wait.ms", "5");
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
                        if (!ch.status().equals("accepted") && !ch.status().equals("running")) {
                            endStatus.put(ch.planId(), ch.status());
                            ended.put(ch.planId(), System.nanoTime());
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

    long awaitEnd(String planId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Long t = ended.get(planId);
            if (t != null) {
                if (!"completed".equals(endStatus.get(planId)) && !"certified".equals(endStatus.get(planId))) {
                    throw new IllegalStateException("plan " + planId + " ended " + endStatus.get(planId));
                }
                return t;
            }
            Thread.sleep(0, 200_000);
        }
        throw new IllegalStateException("plan " + planId + " did not end within " + timeout);
    }

    void latency(int runs) throws Exception {
        Histogram h = new Histogram(60_000_000L, 3);
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
        System.out.printf("one-shard plan, REST submit -> completed, %d runs: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", runs, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    void throughput(int shards, int concurrency) throws Exception {
        String plan = "{\"name\":\"bench-throughput\",\"constraints\":{\"max_concurrency\":" + concurrency
                + "},\"stages\":[{\"id\":\"n\",\"kind\":\"test.noop\",\"config\":{\"count\":" + shards + ",\"salt\":\""
                + UUID.randomUUID() + "\"}}]}";
        long t0 = System.nanoTime();
        String id = submit(plan);
        long t1 = awaitEnd(id, Duration.ofMinutes(30));
        double seconds = (t1 - t0) / 1e9;
        System.out.printf("%d test.noop shards (max_concurrency %d), REST submit -> completed: %.1f s, %.0f shards/s%n",
                shards, concurrency, seconds, shards / seconds);
        Path pid = Path.of(env("HXO_STATE_DIR", ".hxo"), "pids", "hxo-planner.pid");
        if (Files.exists(pid)) {
            String status = Files.readString(Path.of("/proc", Files.readString(pid).trim(), "status"));
            for (String line : status.split("\n")) {
                if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) {
                    System.out.println("planner " + line.replaceAll("\\s+", " "));
                }
            }
        }
        HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(url + "/api/hxo/status/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode st = Json.tree(m.body().getBytes());
        System.out.println("status: " + st.path("status").asText() + ", done " + st.at("/shards/done").asLong()
                + ", root " + st.path("merkle_root").asText());
    }
}
