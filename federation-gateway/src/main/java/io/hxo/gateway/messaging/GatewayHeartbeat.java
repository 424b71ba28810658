package io.hxo.gateway.messaging;

import io.hxo.gateway.config.GatewayConfig;
import io.hxo.runtime.messaging.ServiceMessaging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** ARIE's HTTPS rule reads this fact: the gateway is the one service that serves HTTP to clients. */
@ApplicationScoped
public class GatewayHeartbeat implements ServiceMessaging.HeartbeatExtras {
    private final GatewayConfig config;

    public GatewayHeartbeat(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public Map<String, Object> facts() {
        return Map.of("hxo_https_enforced", config.httpsRedirect());
    }
}
