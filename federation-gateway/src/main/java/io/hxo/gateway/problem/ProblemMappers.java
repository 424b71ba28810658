package io.hxo.gateway.problem;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Problem;
import io.hxo.gateway.auth.BearerTokenMechanism;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place errors become HTTP responses: every error is an RFC 9457 problem document, and no
 * stack trace ever reaches a client (an unexpected error is logged with an id the client sees).
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, RoutingContext ctx) {
        return respond(e.problem(), ctx);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, RoutingContext ctx) {
        return respond(Problem.of(401, "unauthorized", "Authentication required",
                "send Authorization: Bearer <token>"), ctx);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, RoutingContext ctx) {
        String why = ctx.get(BearerTokenMechanism.FAILURE);
        return respond(Problem.of(401, "unauthorized", "Authentication failed",
                why != null ? why : "send Authorization: Bearer <token>"), ctx);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, RoutingContext ctx) {
        return respond(Problem.of(403, "forbidden", "Forbidden", "this route needs the admiral role"), ctx);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, RoutingContext ctx) {
        int status = e.getResponse().getStatus();
        Response.Status s = Response.Status.fromStatusCode(status);
        String title = s == null ? "HTTP " + status : s.getReasonPhrase();
        return respond(Problem.of(status, title.toLowerCase().replace(' ', '-'), title,
                status == 404 ? "no such route or resource" : title), ctx);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, RoutingContext ctx) {
        String id = UUID.randomUUID().toString();
        Log.errorf(e, "unexpected error %s on %s %s", id, ctx.request().method(), ctx.request().path());
        return respond(Problem.of(500, "internal-error", "Internal error",
                "the gateway failed to handle this request; error id " + id), ctx);
    }

    public static Response respond(Problem p, RoutingContext ctx) {
        Problem withInstance = p.instance() == null && ctx != null ? p.withInstance(ctx.request().path()) : p;
        Response.ResponseBuilder r = Response.status(withInstance.status()).type(Problem.MEDIA_TYPE)
                .entity(Json.text(withInstance));
        if (withInstance.status() == 401) {
            r.header("WWW-Authenticate", "Bearer realm=\"hxo\"");
        }
        return r.build();
    }
}
