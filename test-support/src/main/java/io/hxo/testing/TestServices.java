package io.hxo.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The broker and the database a module's {@code @QuarkusTest}s run against. With
 * {@code KAFKA_BOOTSTRAP_SERVERS} and {@code DATABASE_URL} set (as {@code ./hxo test} sets them) it
 * starts nothing and the service's own configuration takes them; without them it starts a Kafka
 * broker ({@link KafkaBroker}) and an embedded PostgreSQL ({@link LocalPostgres}) on free ports and
 * stops them after the run, so plain {@code ./mvnw verify} and an IDE run work on a machine where
 * nothing else was started.
 *
 * <p>Wire it once per module, on any test class:
 * {@code @WithTestResource(value = TestServices.class, scope = TestResourceScope.GLOBAL)}.
 * Test code that talks to the broker itself reads its address from {@link #bootstrapServers()}.
 */
public class TestServices implements QuarkusTestResourceLifecycleManager {
    /**
     * System property carrying the started broker's address to test clients in the same JVM (under
     * no prefix a service maps with {@code @ConfigMapping}, which would refuse an unknown key).
     */
    public static final String KAFKA_PROPERTY = "io.hxo.testing.kafka-bootstrap-servers";

    private KafkaBroker broker;
    private LocalPostgres postgres;
    /** Stops what was started if the JVM ends without {@link #stop()} (a test run cut short). */
    private Thread shutdownHook;

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        try {
            if (unset("KAFKA_BOOTSTRAP_SERVERS")) {
                broker = KafkaBroker.start();
                config.put("kafka.bootstrap.servers", broker.bootstrap());
                System.setProperty(KAFKA_PROPERTY, broker.bootstrap());
            }
            if (unset("DATABASE_URL")) {
                postgres = LocalPostgres.start();
                config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
                config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
                config.put("quarkus.datasource.username", LocalPostgres.USER);
            }
        } catch (IOException e) {
            stop();
            throw new IllegalStateException("could not start the test services: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test services", e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        if (broker != null || postgres != null) {
            shutdownHook = new Thread(this::stop, "hxo-test-services-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return config;
    }

    @Override
    public synchronized void stop() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs this anyway
            }
        }
        shutdownHook = null;
        try {
            if (broker != null) {
                broker.close();
                System.clearProperty(KAFKA_PROPERTY);
            }
        } finally {
            broker = null;
            if (postgres != null) {
                postgres.close();
            }
            postgres = null;
        }
    }

    /** The broker the tests use: {@code KAFKA_BOOTSTRAP_SERVERS}, else the one started here. */
    public static String bootstrapServers() {
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env != null && !env.isBlank() ? env : System.getProperty(KAFKA_PROPERTY, "localhost:9092");
    }

    private static boolean unset(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank();
    }
}
