package io.hxo.gateway.auth;

import io.hxo.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The signer of short-lived tokens, keyed by {@code SECRET_KEY} (and {@code SECRET_KEY_PREVIOUS}). */
@ApplicationScoped
public class TokenKeys {
    @Produces
    @Singleton
    SignedTokens signedTokens(GatewayConfig config) {
        GatewayConfig.Tokens t = config.tokens();
        return new SignedTokens(config.secretKey(), config.secretKeyPrevious(),
                new SignedTokens.Settings(t.issuer(), t.audience(), t.maxTtl(), t.clockSkew()));
    }
}
