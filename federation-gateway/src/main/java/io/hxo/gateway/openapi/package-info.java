/**
 * The gateway's OpenAPI document as a contract: what every operation shares (the problem documents
 * it can answer, the two bearer schemes, the tags), declared once here; {@link
 * io.hxo.gateway.openapi.ContractFilter} attaches the shared answers to each operation. The
 * operations themselves are described on the resources.
 */
@OpenAPIDefinition(
        info = @Info(title = "HXO federation gateway", version = "1.0.0",
                contact = @Contact(name = "HXO", url = "https://hxo.dev"),
                description = "The only HTTP surface of HXO: plans, their shards, Merkle roots and certificates,"
                        + " link health, ARIE audits and the genesis bus. Every error is an RFC 9457 problem"
                        + " document (application/problem+json). Every route but /health needs"
                        + " Authorization: Bearer <token>: the ADMIRAL_TOKEN or CAPTAIN_TOKEN of the deployment,"
                        + " or a short-lived JWT from POST /api/auth/token. Per-principal rate limits answer 429"
                        + " with Retry-After."),
        servers = @Server(url = "http://localhost:8080", description = "A suite started with ./hxo up (PORT=8080);"
                + " a deployment serves the same API at its own URL"),
        tags = {
                @Tag(name = "plans", description = "Create, start, follow, abort and replay plans; reports"),
                @Tag(name = "proofs", description = "Merkle inclusion proofs and consensus certificates"),
                @Tag(name = "deployments", description = "Rollback points, rollbacks and deploy reports from CI"),
                @Tag(name = "suite", description = "The planners as a whole: instances, metrics, draining, migrations"),
                @Tag(name = "links", description = "Health of the gateway, its database and its links to the services"),
                @Tag(name = "audit", description = "ARIE audit scans, reports and suppressions"),
                @Tag(name = "bus", description = "The genesis bus: stored events, live streams, event schemas, metrics, logs, publishing"),
                @Tag(name = "auth", description = "Short-lived tokens and who the caller is")},
        components = @Components(
                securitySchemes = {
                        @SecurityScheme(securitySchemeName = ContractFilter.STATIC_TOKEN, type = SecuritySchemeType.HTTP,
                                scheme = "bearer", description = "The deployment's ADMIRAL_TOKEN (role admiral: every"
                                        + " route) or CAPTAIN_TOKEN (role captain: reads), sent as is; compared in"
                                        + " constant time. An operation's x-hxo-roles names the roles it accepts."),
                        @SecurityScheme(securitySchemeName = ContractFilter.JWT, type = SecuritySchemeType.HTTP,
                                scheme = "bearer", bearerFormat = "JWT", description = "A short-lived JWT from POST"
                                        + " /api/auth/token: HS256 signed with the gateway's SECRET_KEY (or, during a"
                                        + " rotation, SECRET_KEY_PREVIOUS), claims iss, aud, sub, exp, iat, jti and the"
                                        + " role in groups. An operation's x-hxo-roles names the roles it accepts.")},
                responses = {
                        @APIResponse(name = "BadRequest", description = "The request is malformed: not JSON, a"
                                + " duplicate key, a wrong type or a bad parameter", content = @Content(
                                mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                examples = @ExampleObject(name = "duplicate-key", value = "{\"type\":"
                                        + "\"https://hxo.dev/problems/malformed-json\",\"title\":\"Malformed JSON\","
                                        + "\"status\":400,\"detail\":\"the body is not JSON: Duplicate field 'name'\","
                                        + "\"instance\":\"/api/hxo/create-and-submit\"}"))),
                        @APIResponse(name = "Unauthorized", description = "No token, or one that is not valid"
                                + " (expired, forged, another scheme such as 'Authorization: Admiral')",
                                headers = @Header(name = "WWW-Authenticate", description = "Bearer realm=\"hxo\"",
                                        schema = @Schema(type = SchemaType.STRING)),
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "no-token", value = "{\"type\":"
                                                + "\"https://hxo.dev/problems/unauthorized\",\"title\":"
                                                + "\"Authentication required\",\"status\":401,\"detail\":"
                                                + "\"send Authorization: Bearer <token>\",\"instance\":"
                                                + "\"/api/hxo/plans\"}"))),
                        @APIResponse(name = "Forbidden", description = "The token's role may not do this",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = "NotFound", description = "No such plan, scan, shard or topic",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = "Conflict", description = "Not possible in the resource's current state",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = "Unprocessable", description = "Well-formed but cannot run: each refused"
                                + " field is in errors[]", content = @Content(mediaType = Problem.MEDIA_TYPE,
                                schema = @Schema(implementation = Problem.class),
                                examples = @ExampleObject(name = "unknown-kind", value = "{\"type\":"
                                        + "\"https://hxo.dev/problems/invalid-request\",\"title\":\"Invalid request\","
                                        + "\"status\":422,\"detail\":\"the plan cannot run\",\"instance\":"
                                        + "\"/api/hxo/create-and-submit\",\"errors\":[{\"path\":\"stages[0].kind\","
                                        + "\"message\":\"unknown job kind no.such.kind\"}]}"))),
                        @APIResponse(name = "PayloadTooLarge", description = "The body is over the size limit (2 MB)",
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = "TooManyRequests", description = "Over this principal's rate limit",
                                headers = @Header(name = "Retry-After", description = "Seconds to wait",
                                        schema = @Schema(type = SchemaType.INTEGER)),
                                content = @Content(mediaType = Problem.MEDIA_TYPE,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = "ServiceUnavailable", description = "Kafka or a service is unavailable, or"
                                + " the capability is switched off", content = @Content(mediaType = Problem.MEDIA_TYPE,
                                schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = "GatewayTimeout", description = "The service did not answer within"
                                + " HXO_FEDERATION_TIMEOUT", content = @Content(mediaType = Problem.MEDIA_TYPE,
                                schema = @Schema(implementation = Problem.class)))}))
package io.hxo.gateway.openapi;

import io.hxo.contracts.payload.Problem;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Contact;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
