package io.hxo.planner.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Commands;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueryInboxTest {
    private static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");

    private static CloudEvent query(Instant time) {
        return new CloudEvent("q-1", "/federation-gateway/gw-1", Commands.PLAN_STATUS, time, "plan", "c-1", null,
                "plan", new byte[0]);
    }

    @Test
    void aQueryWithinTheLastMinuteIsAnsweredAnOlderOneIsNot() {
        assertThat(QueryInbox.isStale(query(NOW.minusSeconds(5)), NOW)).isFalse();
        assertThat(QueryInbox.isStale(query(NOW.minus(QueryInbox.STALE).plusMillis(1)), NOW)).isFalse();
        assertThat(QueryInbox.isStale(query(NOW.minus(QueryInbox.STALE).minusMillis(1)), NOW)).isTrue();
        assertThat(QueryInbox.isStale(query(NOW.minusSeconds(3600)), NOW)).isTrue();
    }

    @Test
    void onlyQueriesAreItsCommandsThatChangeAPlanStayWithTheOwner() {
        assertThat(QueryHandler.handles(Commands.PLAN_STATUS)).isTrue();
        assertThat(QueryHandler.handles(Commands.PLAN_PROOF)).isTrue();
        assertThat(QueryHandler.handles(Commands.PLAN_SUBMIT)).isFalse();
        assertThat(QueryHandler.handles(Commands.PLAN_ABORT)).isFalse();
    }
}
