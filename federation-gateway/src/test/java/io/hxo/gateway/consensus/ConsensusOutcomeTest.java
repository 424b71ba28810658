package io.hxo.gateway.consensus;

import static io.hxo.gateway.config.GatewayConfig.ConsensusMode.HARMONIC;
import static io.hxo.gateway.config.GatewayConfig.ConsensusMode.QUORUM;
import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.payload.Events;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsensusOutcomeTest {
    static final List<String> VALIDATORS = List.of("hxo-planner", "genesis-bus", "arie-auditor");
    static final String ROOT = "aa".repeat(32);
    static final String OTHER = "bb".repeat(32);

    static Events.SignedVote vote(String validator, String root) {
        return new Events.SignedVote(validator, "i", root, 4, root == null ? "cannot compute" : null, Instant.now(),
                "id", "sig", "kid");
    }

    @Test
    void harmonicCertifiesOnlyWhenEveryValidatorVotesTheRoot() {
        assertThat(Consensus.outcome(HARMONIC, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", ROOT), vote("arie-auditor", ROOT)))).isEqualTo("certified");
        assertThat(Consensus.outcome(HARMONIC, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", ROOT), vote("arie-auditor", OTHER)))).isEqualTo("disagreement");
        assertThat(Consensus.outcome(HARMONIC, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", ROOT), vote("arie-auditor", null)))).isEqualTo("disagreement");
        assertThat(Consensus.outcome(HARMONIC, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", ROOT)))).isEqualTo("timeout");
    }

    @Test
    void quorumCertifiesOnAMajority() {
        assertThat(Consensus.outcome(QUORUM, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", ROOT), vote("arie-auditor", OTHER)))).isEqualTo("certified");
        assertThat(Consensus.outcome(QUORUM, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", ROOT)))).isEqualTo("certified");
        assertThat(Consensus.outcome(QUORUM, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("genesis-bus", OTHER), vote("arie-auditor", OTHER)))).isEqualTo("disagreement");
        assertThat(Consensus.outcome(QUORUM, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT))))
                .isEqualTo("timeout");
    }

    @Test
    void aVoteFromOutsideTheValidatorsDoesNotCount() {
        assertThat(Consensus.outcome(QUORUM, VALIDATORS, ROOT, List.of(vote("hxo-planner", ROOT),
                vote("intruder", ROOT)))).isNotEqualTo("certified");
    }
}
