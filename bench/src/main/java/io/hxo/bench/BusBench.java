package io.hxo.bench;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.sign.ZeroTrustPolicy;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.messaging.PublishChannel;
import io.hxo.runtime.publish.HxoPublisher;
import io.smallrye.reactive.messaging.kafka.impl.ReactiveKafkaProducer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The genesis bus's quality bars.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.hxo.bench.BusBench publish [EVENTS] [ROUNDS]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.BusBench sse [RATE] [SECONDS] [RUNS]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.BusBench hop [EVENTS]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.BusBench store [EVENTS] [ROUNDS]
 * java -cp bench/target/benchmarks.jar io.hxo.bench.BusBench backlog [EVENTS]
 * </pre>
 * {@code publish} needs only the broker: the same events (same payload, same CloudEvent headers)
 * through the {@code contracts} publisher (which signs each one) and through a raw Kafka producer
 * with the same settings, alternating rounds in one run, on a topic outside the catalog.
 * {@code sse} needs the suite: it subscribes to {@code hxo.alert} through the gateway and publishes
 * signed alerts at RATE per second; each carries the bench's own clock, so latency is event
 * published → SSE event read, end to end through the bus's store and feed. RUNS repeats that in
 * this one JVM: from the fourth run on the bench's own JIT has settled and no longer takes a third
 * of a core from the suite it measures.
 * {@code hop} needs only the broker: one signed event at a time through the {@code contracts}
 * publisher to a plain consumer, 20 ms apart, as a plan's steps follow each other; it measures the
 * floor every service-to-service step pays on this machine.
 * {@code store} needs the broker and genesis-bus: EVENTS signed alerts as fast as the publisher
 * sends them, and the clock stops when the last of them is on {@code genesis.feed}, which the bus
 * writes only after its store committed them; so it is the store's insert rate with the recorder
 * and the feed around it, the bus's whole path for an event. ROUNDS measured rounds after a warm-up.
 * {@code backlog} measures the store alone, with nothing else competing for the cores: it publishes
 * EVENTS signed alerts while genesis-bus is stopped, prints {@code published}, and then waits for
 * them on the feed while the bus (started by the caller now) works off the backlog; the rate is taken
 * between the broker times of the first and the last feed record carrying them.
 * Settings: KAFKA_BOOTSTRAP_SERVERS (127.0.0.1:9092), SEED_SECRET, HXO_URL, CAPTAIN_TOKEN or ADMIRAL_TOKEN;
 * BUS_PUBLISHER=own for {@code publish} through a publisher with a producer of its own.
 */
public final class BusBench {
    /** One client for every SSE run of this JVM: a client per run would leave its selector thread behind. */
    private static final HttpClient SSE_CLIENT = HttpClient.newHttpClient();

    private BusBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: BusBench publish [EVENTS] [ROUNDS] | sse [RATE] [SECONDS] [RUNS] | hop [EVENTS]"
                    + " | store [EVENTS] [ROUNDS] | backlog [EVENTS]");
            System.exit(2);
        }
        switch (args[0]) {
            case "publish" -> publish(args.length > 1 ? Integer.parseInt(args[1]) : 200_000,
                    args.length > 2 ? Integer.parseInt(args[2]) : 7);
            case "sse" -> {
                int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
                int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
                int runs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
                for (int i = 0; i < runs; i++) {
                    sse(rate, seconds);
                }
            }
            case "hop" -> hop(args.length > 1 ? Integer.parseInt(args[1]) : 500);
            case "backlog" -> backlog(args.length > 1 ? Integer.parseInt(args[1]) : 300_000);
            case "store" -> store(args.length > 1 ? Integer.parseInt(args[1]) : 100_000,
                    args.length > 2 ? Integer.parseInt(args[2]) : 5);
            default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
        }
    }

    static void hop(int events) throws Exception {
        String topic = "bench.hop";
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("bootstrap.servers", kafkaConfig().get("bootstrap.servers"));
        cfg.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        cfg.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        Histogram hops = new Histogram(3_600_000_000L, 3);
        try (HxoPublisher publisher = HxoPublisher.create(kafkaConfig(), "bench", UUID.randomUUID().toString());
                var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(cfg)) {
            // One subject, so one partition: the one the warm-up record landed on.
            int partition = publisher.publish(topic, publisher.event(topic, "hop", Map.of("n", -1)))
                    .get(30, TimeUnit.SECONDS).partition();
            var tp = new org.apache.kafka.common.TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < events + 50; i++) {
                long start = System.nanoTime();
                publisher.publish(topic, publisher.event(topic, "hop", Map.of("n", i)));
                int seen = 0;
                while (seen == 0) {
                    seen = consumer.poll(java.time.Duration.ofMillis(500)).count();
                }
                if (i >= 50) { // the first 50 warm up both clients
                    hops.recordValue(System.nanoTime() - start);
                }
                Thread.sleep(20);
            }
        }
        System.out.printf("%d hops (publish -> consumer poll returns): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                events, hops.getValueAtPercentile(50) / 1e6, hops.getValueAtPercentile(90) / 1e6,
                hops.getValueAtPercentile(99) / 1e6, hops.getMaxValue() / 1e6);
    }

    /** Rounds of EVENTS signed alerts: publish all, stop the clock when the last one is on the feed. */
    static void store(int events, int rounds) throws Exception {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("bootstrap.servers", kafkaConfig().get("bootstrap.servers"));
        cfg.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        cfg.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        cfg.put("max.partition.fetch.bytes", 8 * 1024 * 1024);
        List<Double> rates = new ArrayList<>();
        try (HxoPublisher publisher = HxoPublisher.create(kafkaConfig(), "bench", UUID.randomUUID().toString());
                var feed = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(cfg)) {
            var tp = new org.apache.kafka.common.TopicPartition(Topic.GENESIS_FEED.topicName(), 0);
            feed.assign(List.of(tp));
            for (int round = 0; round <= rounds; round++) {
                String run = "store-" + UUID.randomUUID();
                feed.seekToEnd(List.of(tp));
                feed.position(tp);
                long t0 = System.nanoTime();
                List<CompletableFuture<?>> acks = new ArrayList<>(events);
                for (int i = 0; i < events; i++) {
                    // 64 subjects, so the events spread over the topic's partitions as a plan's do.
                    acks.add(publisher.emit(Topic.HXO_ALERT, run + "-" + (i & 63), new Events.Alert("slo.breach", "info",
                            null, "bench", "x".repeat(200), Map.of("n", i))));
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                double published = (System.nanoTime() - t0) / 1e9;
                long seen = 0;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (seen < events && System.nanoTime() < deadline) {
                    for (var rec : feed.poll(java.time.Duration.ofMillis(200))) {
                        var batch = KafkaBinding.fromRecord(rec).dataAs(io.hxo.contracts.payload.Genesis.FeedBatch.class);
                        seen += batch.events().stream().filter(e -> e.subject() != null && e.subject().startsWith(run))
                                .count();
                    }
                }
                double stored = (System.nanoTime() - t0) / 1e9;
                if (seen < events) {
                    throw new IllegalStateException("only " + seen + " of " + events + " events reached the feed in 5 min");
                }
                double rate = events / stored;
                if (round > 0) { // round 0 warms up the bus and the bench
                    rates.add(rate);
                }
                System.out.printf("round %d: %d events published in %.2f s, all on the feed after %.2f s: %.0f events/s%n",
                        round, events, published, stored, rate);
            }
        }
        System.out.printf("store: %d events per round, median of %d rounds %.0f events/s (min %.0f, max %.0f)%n", events,
                rounds, median(rates), rates.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                rates.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    /** EVENTS alerts published while the bus is down, then the rate at which its store works them off. */
    static void backlog(int events) throws Exception {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("bootstrap.servers", kafkaConfig().get("bootstrap.servers"));
        cfg.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        cfg.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        cfg.put("max.partition.fetch.bytes", 8 * 1024 * 1024);
        String run = "backlog-" + UUID.randomUUID();
        try (HxoPublisher publisher = HxoPublisher.create(kafkaConfig(), "bench", UUID.randomUUID().toString());
                var feed = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(cfg)) {
            var tp = new org.apache.kafka.common.TopicPartition(Topic.GENESIS_FEED.topicName(), 0);
            feed.assign(List.of(tp));
            feed.seekToEnd(List.of(tp));
            feed.position(tp);
            List<CompletableFuture<?>> acks = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                acks.add(publisher.emit(Topic.HXO_ALERT, run + "-" + (i & 63), new Events.Alert("slo.breach", "info",
                        null, "bench", "x".repeat(200), Map.of("n", i))));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            System.out.println("published " + events + " events as " + run);
            System.out.flush();
            long seen = 0;
            long firstAt = -1;
            long firstCount = 0;
            long lastAt = -1;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (seen < events && System.nanoTime() < deadline) {
                for (var rec : feed.poll(java.time.Duration.ofMillis(500))) {
                    var batch = KafkaBinding.fromRecord(rec).dataAs(io.hxo.contracts.payload.Genesis.FeedBatch.class);
                    long ours = batch.events().stream().filter(e -> e.subject() != null && e.subject().startsWith(run))
                            .count();
                    if (ours > 0 && firstAt < 0) {
                        firstAt = rec.timestamp();
                        firstCount = ours;
                    }
                    if (ours > 0) {
                        lastAt = rec.timestamp();
                    }
                    seen += ours;
                }
            }
            if (seen < events) {
                throw new IllegalStateException("only " + seen + " of " + events + " events reached the feed in 15 min");
            }
            double seconds = (lastAt - firstAt) / 1000.0;
            System.out.printf("backlog: %d events stored and on the feed in %.2f s after the first feed record:"
                    + " %.0f events/s (feed records at %d..%d ms since the epoch)%n", events, seconds,
                    (events - firstCount) / seconds, firstAt, lastAt);
        }
    }

    static Map<String, Object> kafkaConfig() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("bootstrap.servers", SuiteBench.env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        cfg.put(ZeroTrustPolicy.SEED_SECRET, SuiteBench.env("SEED_SECRET", ""));
        cfg.put(ZeroTrustPolicy.SERVICE, "bench");
        // As the services read it: HMAC-SHA3-256 by default, HMAC-SHA-256 with HXO_QUANTUM_HASHING=false.
        cfg.put(ZeroTrustPolicy.QUANTUM_HASHING, SuiteBench.env("HXO_QUANTUM_HASHING", "true"));
        // As the services read it (KAFKA_COMPRESSION_TYPE becomes the client's compression.type).
        cfg.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression());
        return cfg;
    }

    /** The producers' compression: the publisher's own default unless KAFKA_COMPRESSION_TYPE says otherwise. */
    static String compression() {
        return SuiteBench.env("KAFKA_COMPRESSION_TYPE", HxoPublisher.DEFAULT_COMPRESSION);
    }

    /** A publisher and, when it is not the publisher's own, the client that owns its producer. */
    record Publishing(HxoPublisher publisher, AutoCloseable producerOwner) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            publisher.close();
            producerOwner.close();
        }
    }

    /**
     * The publisher as a service has it: over the producer SmallRye's Kafka connector makes for the
     * {@code hxo-publish} channel (its {@code ReactiveKafkaProducer}, with its serializer wrappers),
     * configured by the same {@link PublishChannel} customizer over what the channel's configuration
     * gives it; {@code BUS_PUBLISHER=own} gives the publisher a producer of its own instead
     * ({@link HxoPublisher#create}), as before SmallRye made it.
     */
    static Publishing servicePublisher() {
        if ("own".equals(SuiteBench.env("BUS_PUBLISHER", "smallrye"))) {
            return new Publishing(HxoPublisher.create(kafkaConfig(), "bench", UUID.randomUUID().toString()), () -> {
            });
        }
        Map<String, Object> channelConfig = new HashMap<>(kafkaConfig());
        // What hxo-runtime's microprofile-config.properties declares for the channel.
        channelConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        channelConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "hxo-publish-bench");
        channelConfig.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        channelConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        channelConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Map<String, Object> cfg = new PublishChannel().customize(PublishChannel.NAME, null, channelConfig);
        ReactiveKafkaProducer<String, byte[]> channel = new ReactiveKafkaProducer<>(cfg, PublishChannel.NAME, 10_000,
                false, null, null, null, (producer, config) -> {
                });
        return new Publishing(HxoPublisher.over(channel.unwrap(), "/bench/" + UUID.randomUUID(),
                HxoPublisher.lingerMs(cfg)), channel::close);
    }

    /** ROUNDS measured rounds after a warm-up round; each round runs the raw producer, then the publisher. */
    static void publish(int events, int rounds) throws Exception {
        String topic = "bench.publish";
        Publishing publishing = servicePublisher();
        HxoPublisher hxo = publishing.publisher();
        System.out.println("publisher's producer: " + SuiteBench.env("BUS_PUBLISHER", "smallrye"));
        Map<String, Object> raw = new HashMap<>();
        raw.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig().get("bootstrap.servers"));
        raw.put(ProducerConfig.ACKS_CONFIG, "all");
        raw.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        raw.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression());
        raw.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        raw.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        raw.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        raw.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Events.Alert payload = new Events.Alert("slo.breach", "info", null, "bench", "x".repeat(200), Map.of("n", 1));
        try (Producer<String, byte[]> plain = new KafkaProducer<>(raw)) {
            List<Double> hxoRates = new ArrayList<>();
            List<Double> rawRates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> rawCpu = new ArrayList<>();
            List<Double> hxoCpu = new ArrayList<>();
            List<Double> signCpu = new ArrayList<>();
            var threads = ManagementFactory.getThreadMXBean();
            for (int round = 0; round <= rounds; round++) {
                // Raw: the same records HxoPublisher would build, minus the signature.
                long t0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                List<CompletableFuture<?>> acks = new ArrayList<>(events);
                for (int i = 0; i < events; i++) {
                    CloudEvent ev = CloudEvent.of("/bench/raw", topic, "s-" + (i & 63), payload);
                    CompletableFuture<Object> done = new CompletableFuture<>();
                    plain.send(KafkaBinding.toRecord(topic, ev), (md, e) -> {
                        if (e != null) {
                            done.completeExceptionally(e);
                        } else {
                            done.complete(md);
                        }
                    });
                    acks.add(done);
                }
                double rawSendCpu = (threads.getCurrentThreadCpuTime() - c0) / 1e3 / events;
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                double rawRate = events / ((System.nanoTime() - t0) / 1e9);

                t0 = System.nanoTime();
                c0 = threads.getCurrentThreadCpuTime();
                acks.clear();
                for (int i = 0; i < events; i++) {
                    acks.add(hxo.publish(topic, hxo.event(topic, "s-" + (i & 63), payload)));
                }
                double hxoSendCpu = (threads.getCurrentThreadCpuTime() - c0) / 1e3 / events;
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                double hxoRate = events / ((System.nanoTime() - t0) / 1e9);
                double signingCpu = signingAlone(topic, payload, Math.min(events, 50_000));
                if (round > 0) { // round 0 warms both up
                    rawRates.add(rawRate);
                    hxoRates.add(hxoRate);
                    ratios.add(hxoRate / rawRate);
                    rawCpu.add(rawSendCpu);
                    hxoCpu.add(hxoSendCpu);
                    signCpu.add(signingCpu);
                }
                System.out.printf("round %d: raw %.0f events/s, contracts (signed) %.0f events/s%n", round, rawRate, hxoRate);
            }
            double r = median(rawRates);
            double h = median(hxoRates);
            // Both figures, because the raw producer's rate swings between rounds far more than the
            // signed path's: the median of each round's own ratio pairs runs that saw the same machine.
            System.out.printf("%d events per round, median of %d rounds: raw %.0f/s, contracts %.0f/s = %.0f %% of raw;"
                    + " median of the rounds' ratios %.0f %%%n", events, rounds, r, h, 100 * h / r, 100 * median(ratios));
            // The bound one calling thread sets: what it spends per event on a raw send, and on the signature
            // alone. Even if signing added nothing else, the signed path could not run faster than this share.
            double rc = median(rawCpu);
            double gc = median(signCpu);
            System.out.printf("calling thread, CPU per event (median of rounds): raw %.2f µs, contracts %.2f µs,"
                    + " signing alone %.2f µs; raw + signing alone reaches at most %.0f %% of raw%n",
                    rc, median(hxoCpu), gc, 100 * rc / (rc + gc));
        } finally {
            publishing.close();
        }
    }

    /**
     * CPU of this thread per event to sign records already built, as the publisher's interceptor does
     * (same key, same algorithm, same headers), without sending them.
     */
    static double signingAlone(String topic, Events.Alert payload, int events) {
        // The signer the publisher's interceptor builds from the same settings.
        var signer = ZeroTrustPolicy.fromConfig(kafkaConfig()).signer();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            records.add(KafkaBinding.toRecord(topic, CloudEvent.of("/bench/sign", topic, "s-" + (i & 63), payload)));
        }
        var threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        for (ProducerRecord<String, byte[]> r : records) {
            signer.sign(topic, r.headers(), r.value());
        }
        return (threads.getCurrentThreadCpuTime() - c0) / 1e3 / events;
    }

    static void sse(int rate, int seconds) throws Exception {
        String url = SuiteBench.env("HXO_URL", "http://127.0.0.1:8080") + "/api/genesis/subscribe/hxo.alert";
        String token = SuiteBench.env("CAPTAIN_TOKEN", SuiteBench.env("ADMIRAL_TOKEN", ""));
        String run = UUID.randomUUID().toString();
        Histogram h = new Histogram(60_000_000L, 3);
        AtomicLong received = new AtomicLong();
        int total = rate * seconds;
        int warmup = Math.min(rate * 3, total / 4); // the first seconds warm the JITs of every hop
        CountDownLatch subscribed = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        HttpResponse<Stream<String>> res = SSE_CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("subscribe answered " + res.statusCode());
        }
        // Why a stream ended before the last event: the gateway's final event, or the connection.
        AtomicReference<String> ended = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Iterator<String> it = res.body().iterator();
            boolean closing = false;
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith(":")) {
                    subscribed.countDown();
                } else if (line.startsWith("event:")) {
                    closing = line.contains("hxo.subscription.closed");
                } else if (closing && line.startsWith("data:")) {
                    ended.set("the gateway closed the stream: " + line.substring(5).trim());
                } else if (line.startsWith("data:") && line.contains(run)) {
                    long now = System.nanoTime();
                    int at = line.indexOf("\"sent\":");
                    long sent = Long.parseLong(line.substring(at + 7, line.indexOf('}', at)).trim());
                    long n = received.incrementAndGet();
                    if (n > warmup) {
                        h.recordValue(Math.max(1, (now - sent) / 1000));
                    }
                    if (n == total) {
                        done.countDown();
                        return;
                    }
                }
            }
            ended.compareAndSet(null, "the stream ended");
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        subscribed.await(10, TimeUnit.SECONDS);
        HxoPublisher publisher = HxoPublisher.create(kafkaConfig(), "bench", UUID.randomUUID().toString());
        long interval = 1_000_000_000L / rate;
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            // Parked, not spinning: the bench shares the two cores with the suite it measures. A park
            // overshoots by tens of microseconds; the schedule is absolute, so the rate holds, and
            // each event's latency starts at its own send.
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            publisher.emit(Topic.HXO_ALERT, run, new Events.Alert("slo.breach", "info", null, "bench", run,
                    Map.of("sent", System.nanoTime())));
        }
        boolean all = done.await(60, TimeUnit.SECONDS);
        double benchCores = (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - start);
        publisher.close();
        String missing = all ? "" : " (NOT ALL: " + (ended.get() == null ? "still open" : ended.get()) + ")";
        System.out.printf("%d events at %d/s, received %d%s; event -> SSE subscriber (after %d warm-up events):"
                + " p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; the bench itself used %.2f cores%n", total, rate,
                received.get(), missing, warmup, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, benchCores);
        res.body().close();
    }

    /** CPU time of this whole JVM (publisher, SSE reader, the Kafka client's threads). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
