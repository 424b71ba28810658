package io.hxo.genesis.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Feed records carry stored data verbatim and stay under the record size. */
class FeedSplitTest {
    static StoredEvent event(long seq, JsonNode data) {
        return new StoredEvent(seq, "hxo.shard.done", "hxo.shard.done", "/t/1", "id-" + seq, "p", Instant.EPOCH, data);
    }

    static JsonNode raw(String text) {
        return JsonNodeFactory.instance.rawValueNode(new RawValue(text));
    }

    @Test
    void storedTextGoesOutAsItWasAndReadsBackAsTheSameTree() {
        String text = "{\"leaves\":[{\"index\":0,\"cas_id\":\"ab\"}],\"n\":1.50}";
        FeedBatch sent = new FeedBatch(7, List.of(event(8, raw(text)), event(9, null)));
        String wire = new String(Json.bytes(sent), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(wire).contains(text);
        FeedBatch read = Json.read(Json.bytes(sent), FeedBatch.class);
        assertThat(read.events().get(0).data()).isEqualTo(Json.tree(text.getBytes()));
        assertThat(read.events().get(1).data()).isNull();
        assertThat(FeedPublisher.sizeOf(raw(text))).isEqualTo(text.length());
        assertThat(FeedPublisher.sizeOf(Json.tree(text.getBytes()))).isEqualTo(Json.tree(text.getBytes()).toString().length());
        assertThat(FeedPublisher.sizeOf(null)).isZero();
    }

    @Test
    void largeStoredEventsAreSplitByTheirTextLength() {
        String big = "\"" + "x".repeat(FeedPublisher.pageBytes() / 3) + "\"";
        List<StoredEvent> events = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            events.add(event(i, raw(big)));
        }
        List<FeedBatch> records = FeedPublisher.split(new FeedBatch(0, events));
        assertThat(records).hasSizeGreaterThan(2);
        long prev = 0;
        for (FeedBatch r : records) {
            assertThat(r.prev()).isEqualTo(prev);
            assertThat(r.events().stream().mapToLong(e -> FeedPublisher.sizeOf(e.data())).sum())
                    .isLessThanOrEqualTo(FeedPublisher.pageBytes());
            prev = r.last();
        }
        assertThat(prev).isEqualTo(7);
    }
}
