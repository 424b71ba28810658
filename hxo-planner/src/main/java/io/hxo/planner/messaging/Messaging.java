package io.hxo.planner.messaging;

import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.planner.config.PlannerConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/** The planner's one Kafka producer, configured from Quarkus' {@code kafka.*} settings (and so signing). */
@ApplicationScoped
public class Messaging {

    @Produces
    @Singleton
    HxoPublisher publisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, PlannerConfig config) {
        return HxoPublisher.create(kafka, "hxo-planner", config.instanceId());
    }

    void close(@Disposes HxoPublisher publisher) {
        publisher.close();
    }
}
