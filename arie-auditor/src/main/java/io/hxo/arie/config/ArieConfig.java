package io.hxo.arie.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The suite-wide settings arie-auditor reads (SPEC section 7). */
@ConfigMapping(prefix = "hxo")
public interface ArieConfig {
    String instanceId();

    @WithDefault("1000")
    long heartbeatIntervalMs();

    @WithDefault("true")
    boolean autoAuditAfterDeploy();
}
