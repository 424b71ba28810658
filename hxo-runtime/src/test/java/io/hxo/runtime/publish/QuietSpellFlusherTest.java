package io.hxo.runtime.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hxo.contracts.payload.Events;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class QuietSpellFlusherTest {
    /** Completes sends only when flushed, and counts the flushes. */
    static final class FlushCountingProducer extends MockProducer<String, byte[]> {
        final AtomicInteger flushes = new AtomicInteger();

        FlushCountingProducer() {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized void flush() {
            flushes.incrementAndGet();
            super.flush();
        }
    }

    @Test
    void onlyAShortRunAfterAQuietSpellAsksForAFlush() throws Exception {
        FlushCountingProducer producer = new FlushCountingProducer();
        try (QuietSpellFlusher flusher = new QuietSpellFlusher(producer, 60_000, "test-flush")) {
            assertTrue(flusher.sent(), "the first record follows the longest quiet spell there is");
            for (int i = 2; i <= QuietSpellFlusher.SHORT_RUN; i++) {
                assertTrue(flusher.sent(), "record " + i + " of a short run goes out at once too");
            }
            for (int i = 0; i < 3; i++) {
                assertFalse(flusher.sent(), "a longer run is a burst and shares the linger");
            }
        }
        try (QuietSpellFlusher flusher = new QuietSpellFlusher(producer, 1, "test-flush")) {
            assertTrue(flusher.sent());
            flusher.acknowledged();
            spin(3);
            assertTrue(flusher.sent(), "three milliseconds of nothing is a quiet spell for a 1 ms linger");
        }
    }

    @Test
    void aGapWhileAnEarlierRecordIsInFlightIsASteadyStreamNotAQuietSpell() throws Exception {
        FlushCountingProducer producer = new FlushCountingProducer();
        try (QuietSpellFlusher flusher = new QuietSpellFlusher(producer, 1, "test-flush")) {
            assertTrue(flusher.sent());
            spin(3);
            assertFalse(flusher.sent(), "the first record is still unacknowledged: records are streaming");
            assertFalse(flusher.sent(), "and no short run started");
            flusher.acknowledged();
            flusher.acknowledged();
            flusher.acknowledged();
            spin(3);
            assertTrue(flusher.sent(), "everything acknowledged and two lingers without a send: quiet");
            assertTrue(flusher.sent(), "the record right after belongs to the short run that spell started");
        }
    }

    private static void spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aPublisherFlushesTheRecordThatEndsAQuietSpell() throws Exception {
        FlushCountingProducer producer = new FlushCountingProducer();
        try (HxoPublisher publisher = new HxoPublisher(producer, "/test/1", 60_000)) {
            CompletableFuture<RecordMetadata> first = publisher.emit(io.hxo.contracts.topic.Topic.HXO_ALERT, "p",
                    new Events.Alert("slo.breach", "info", null, "test", "first", Map.of()));
            // Nothing completes a MockProducer send here but a flush: the flusher thread's.
            first.get(10, TimeUnit.SECONDS);
            assertEquals(1, producer.flushes.get());
        }
    }
}
