package io.hxo.planner.artifact;

import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.config.PlannerConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Chooses the artifact store ({@code HXO_ARTIFACTS_STORE}) and collects the PostgreSQL store's unreferenced blobs. */
@ApplicationScoped
public class Artifacts {
    private final PlannerConfig.Artifacts config;
    private final ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-artifact-gc");
        t.setDaemon(true);
        return t;
    });

    public Artifacts(PlannerConfig config) {
        this.config = config.artifacts();
    }

    @Produces
    @Singleton
    static ArtifactStore store(PlannerConfig config, Pool pool) {
        return switch (config.artifacts().store()) {
            case POSTGRES -> new PostgresArtifactStore(pool);
            case DIRECTORY -> new DirectoryArtifactStore(Path.of(config.artifactsDir()));
        };
    }

    void start(@Observes StartupEvent ev, ArtifactStore store) {
        if (store instanceof PostgresArtifactStore pg && config.gcIntervalSeconds() > 0) {
            collector.scheduleWithFixedDelay(() -> {
                try {
                    int n = pg.collect(config.gcGraceSeconds());
                    if (n > 0) {
                        Log.infof("collected %d artifacts no stored result refers to", n);
                    }
                } catch (StoreException e) {
                    Log.warnf("artifact collection postponed: %s", e.getMessage());
                }
            }, config.gcIntervalSeconds(), config.gcIntervalSeconds(), TimeUnit.SECONDS);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        collector.shutdownNow();
    }
}
