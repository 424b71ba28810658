package io.hxo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaClientSeriesTest {
    static final String SCRAPE = """
            # HELP kafka_producer_record_send_total The total number of records sent.
            # TYPE kafka_producer_record_send_total counter
            kafka_producer_record_send_total{client_id="hxo-publish-genesis-bus",kafka_version="4.1.1"} 12.0
            kafka_producer_node_request_total{client_id="hxo-dlq-genesis-bus-1",kafka_version="4.1.1",node_id="node-1"} 3.0
            kafka_consumer_fetch_manager_records_consumed_total{client_id="kafka-consumer-events",kafka_version="4.1.1"} 7.0
            kafka_consumer_connection_count{kafka_version="4.1.1"} 1.0
            hxo_kafka_refused_total{reason="unknown_key",service="genesis-bus"} 0.0
            jvm_threads_live_threads 40.0
            """;

    @Test
    void readsTheClientIdOfEachFamilysSeries() {
        assertThat(KafkaClientSeries.clientIds(SCRAPE, KafkaClientSeries.PRODUCER))
                .containsExactly("hxo-dlq-genesis-bus-1", "hxo-publish-genesis-bus");
        assertThat(KafkaClientSeries.clientIds(SCRAPE, KafkaClientSeries.CONSUMER)).containsExactly("kafka-consumer-events");
    }

    @Test
    void aClientWithoutSeriesFailsTheAssertionAndIsNamed() {
        KafkaClientSeries.assertSeries(SCRAPE, KafkaClientSeries.CONSUMER, List.of("kafka-consumer-events"));
        assertThatThrownBy(() -> KafkaClientSeries.assertSeries(SCRAPE, KafkaClientSeries.CONSUMER,
                List.of("kafka-consumer-events", "kafka-consumer-terc")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("[kafka-consumer-terc]");
        // A producer's id does not count for consumers.
        assertThatThrownBy(() -> KafkaClientSeries.assertSeries(SCRAPE, KafkaClientSeries.CONSUMER,
                List.of("hxo-publish-genesis-bus"))).isInstanceOf(AssertionError.class);
    }
}
