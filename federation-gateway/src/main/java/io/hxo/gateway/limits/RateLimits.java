package io.hxo.gateway.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.payload.Problem;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.problem.ProblemMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * A token bucket per principal (bucket4j): {@code HXO_RATE_LIMIT_BURST} requests at once, refilled at
 * {@code HXO_RATE_LIMIT_RPS} per second. The principal is the bearer credential (by its hash, never
 * kept as is) or, without one, the client address; so a flood of bad tokens is limited before
 * authentication costs anything. Over the limit: 429 problem document with {@code Retry-After};
 * every answer carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}.
 * Health probes are not limited.
 */
@ApplicationScoped
public class RateLimits {
    static final String REMAINING = "hxo.rate.remaining";
    static final String RESET = "hxo.rate.reset";
    /** Past this many principals the table starts again, so it cannot grow without bound. */
    static final int MAX_PRINCIPALS = 100_000;

    private final GatewayConfig config;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimits(GatewayConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response limit(ContainerRequestContext request, RoutingContext ctx) {
        String path = request.getUriInfo().getPath();
        if (path.equals("/health") || path.startsWith("/q/health")) {
            return null;
        }
        if (buckets.size() > MAX_PRINCIPALS) {
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(principal(request, ctx), k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(config.rateLimitBurst())
                        .refillGreedy(config.rateLimitRps(), Duration.ofSeconds(1)).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            request.setProperty(REMAINING, probe.getRemainingTokens());
            long missing = config.rateLimitBurst() - probe.getRemainingTokens();
            request.setProperty(RESET, (missing + config.rateLimitRps() - 1) / Math.max(1, config.rateLimitRps()));
            return null;
        }
        long retry = seconds(probe.getNanosToWaitForRefill());
        Response problem = ProblemMappers.respond(Problem.of(429, "rate-limited", "Too many requests",
                "this principal may send " + config.rateLimitRps() + " requests per second (bursts of "
                        + config.rateLimitBurst() + "); retry in " + retry + " s"), ctx);
        return Response.fromResponse(problem).header("Retry-After", retry)
                .header("RateLimit-Limit", config.rateLimitBurst()).header("RateLimit-Remaining", 0)
                .header("RateLimit-Reset", retry).build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        Object remaining = request.getProperty(REMAINING);
        if (remaining != null) {
            response.getHeaders().putSingle("RateLimit-Limit", config.rateLimitBurst());
            response.getHeaders().putSingle("RateLimit-Remaining", remaining);
            response.getHeaders().putSingle("RateLimit-Reset", request.getProperty(RESET));
        }
    }

    private static String principal(ContainerRequestContext request, RoutingContext ctx) {
        String auth = request.getHeaderString("Authorization");
        if (auth != null && !auth.isBlank()) {
            return "cred:" + Hex.of(HashAlg.SHA_256.hash(auth.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        }
        return "addr:" + (ctx != null && ctx.request().remoteAddress() != null ? ctx.request().remoteAddress().host() : "?");
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
