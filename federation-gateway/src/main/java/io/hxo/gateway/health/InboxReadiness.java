package io.hxo.gateway.health;

import io.hxo.gateway.command.Inbox;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once replies can be received: a command sent earlier could lose its answer. */
@Readiness
@ApplicationScoped
public class InboxReadiness implements HealthCheck {
    private final Inbox inbox;

    public InboxReadiness(@Identifier("inbox-ready") Inbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway inbox").status(inbox.ready()).build();
    }
}
