package io.hxo.planner.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint row's announcement has the same identity whichever instance sends it, so the copy a new
 * owner sends after a takeover is the event the old owner sent, and the event store keeps its leaves once
 * (the kill -9 chaos drill in system-tests checks the store end to end).
 */
class LeafAnnouncerTest {

    @Test
    void aCheckpointRowsEventsHaveTheSameIdFromEveryInstanceAndDifferentIdsOtherwise() {
        String plan = UUID.randomUUID().toString();
        assertThat(LeafAnnouncer.checkpointEventId(plan, 7, 0)).isEqualTo(LeafAnnouncer.checkpointEventId(plan, 7, 0));
        Set<String> ids = new HashSet<>();
        for (String p : new String[] {plan, UUID.randomUUID().toString()}) {
            for (int seq = 0; seq < 50; seq++) {
                for (int part = 0; part < 4; part++) {
                    ids.add(LeafAnnouncer.checkpointEventId(p, seq, part));
                }
            }
        }
        assertThat(ids).as("one id per plan, row and part").hasSize(2 * 50 * 4);
        assertThat(LeafAnnouncer.CHECKPOINT_SOURCE).as("not an instance's source").isEqualTo("/hxo-planner");
    }
}
