package io.hxo.gateway.limits;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bodies over {@code quarkus.http.limits.max-body-size} are refused with a 413 problem document
 * (Quarkus' own check, which runs later, answers with an empty body); the connection is closed
 * rather than the rest of the body read. Other failures the HTTP layer raises before any resource
 * runs (a body that outgrows the limit while streaming, an unreadable request) become problem
 * documents too.
 */
@ApplicationScoped
public class BodyLimit {
    void install(@Observes Router router,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize max) {
        long limit = max.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > limit) {
                ctx.response().putHeader("Connection", "close");
                respond(ctx, 413);
                return;
            }
            ctx.next();
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            int status = ctx.statusCode();
            if (ctx.response().ended() || ctx.response().headWritten() || status < 400 || status > 499) {
                ctx.next();
                return;
            }
            respond(ctx, status);
        });
    }

    private static void respond(RoutingContext ctx, int status) {
        Problem p = status == 413
                ? Problem.of(413, "body-too-large", "Body too large", "the request body is over the size limit")
                : Problem.of(status, "bad-request", "Bad request", "the request could not be read");
        ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Json.text(p.withInstance(ctx.request().path())));
    }
}
