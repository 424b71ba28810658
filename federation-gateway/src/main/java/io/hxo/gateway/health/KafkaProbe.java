package io.hxo.gateway.health;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Is the broker reachable right now? One admin client, a two-second question, the answer cached
 * for a second so a busy health endpoint does not hammer the broker. The client reconnects by
 * itself once the broker is back.
 */
@ApplicationScoped
public class KafkaProbe {
    private static final long CACHE_MS = 1000;

    private final Admin admin;
    private volatile Check last;

    public record Check(boolean up, String detail, long latencyMs, long at) {
    }

    public KafkaProbe(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        cfg.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(cfg);
    }

    /** Blocks for at most ~2 s; call it from a worker thread. */
    public Check check() {
        Check c = last;
        long now = System.currentTimeMillis();
        if (c != null && now - c.at() < CACHE_MS) {
            return c;
        }
        long start = System.nanoTime();
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes()
                    .get(2500, TimeUnit.MILLISECONDS).size();
            c = new Check(nodes > 0, nodes + " broker(s)", (System.nanoTime() - start) / 1_000_000, now);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            c = new Check(false, "Kafka unreachable: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"),
                    (System.nanoTime() - start) / 1_000_000, now);
        }
        last = c;
        return c;
    }

    void close(@Observes ShutdownEvent ev) {
        admin.close();
    }
}
