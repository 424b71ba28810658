package io.hxo.planner;

import io.hxo.testing.SourceRules;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Consumers receive a verified event or its typed data through hxo-runtime's converter, never a raw record. */
class NoRawRecordsTest {
    @Test
    void noIncomingMethodTakesAConsumerRecord() {
        SourceRules.assertNoRawRecordConsumers(Path.of("src/main/java"), Set.of());
    }
}
