package io.hxo.arie.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The suite-wide settings arie-auditor reads (SPEC section 7). */
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
}
