package io.hxo.arie.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** The suite-wide settings arie-auditor reads (SPEC section 7), and its own under {@code hxo.arie}. */
@ConfigMapping(prefix = "hxo")
public interface ArieConfig {
    String instanceId();

    @WithDefault("1000")
    long heartbeatIntervalMs();

    /** {@code HXO_AUTO_AUDIT_AFTER_DEPLOY}: scan after every successful deploy. */
    @WithDefault("true")
    boolean autoAuditAfterDeploy();

    /** {@code HXO_QUANTUM_HASHING}: the hash ARIE's independent Merkle validation uses. */
    @WithDefault("true")
    boolean quantumHashing();

    /** {@code HXO_FEDERATION_TIMEOUT}: ms to wait for the planner's answer to an integrity query. */
    @WithDefault("5000")
    long federationTimeout();

    Scanner arie();

    interface Scanner {
        /** {@code HXO_ARIE_WORKSPACE}: a directory every scan also covers (read only); none by default. */
        Optional<String> workspace();

        /** {@code HXO_ARIE_SCHEDULE}: a Quarkus interval ({@code 6h}, {@code 30m}) between scans, or {@code off}. */
        @WithDefault("off")
        String schedule();

        /** Operator regex rules, {@code id|severity|regex|description|fix} each (see README). */
        Optional<List<String>> rulesExtra();

        /** A JSON file of operator rules. */
        Optional<String> rulesFile();

        /** Facts of a service not heard from for this long are left out of scans. */
        @WithDefault("600000")
        long factsMaxAgeMs();
    }
}
