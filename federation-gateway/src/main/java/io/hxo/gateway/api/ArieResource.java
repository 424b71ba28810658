package io.hxo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.gateway.problem.ProblemMappers;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * ARIE's routes (SPEC §5, §6): each is a command on {@code arie.commands}, answered in time or 504.
 * A captain may start only a read-only scan: it is reported like any other but never becomes the
 * baseline of later scans and raises no {@code arie.alert}.
 */
@Path("/api/arie")
@Tag(name = "audit")
public class ArieResource {
    @Schema(name = "ScanRequest", description = "What to scan besides the configuration and the stored results")
    public record ScanRequest(@Schema(description = "Reported, never the baseline of later scans, no alerts; a captain"
            + " may start only these") Boolean readOnly,
            @Schema(description = "An absolute directory on arie-auditor to scan as a workspace") String workspace,
            @Schema(description = "The manifest root (64 hex) of a deployment whose packed files to scan",
                    pattern = "^[0-9a-fA-F]{64}$") String deployment) {
    }

    @Schema(name = "SuppressRequest", description = "Accept a finding: later scans report it as suppressed")
    public record SuppressRequest(@Schema(required = true, pattern = "^[0-9a-f]{64}$") String fingerprint,
            @Schema(required = true, minLength = 1, maxLength = 1000) String reason) {
    }

    public static final String SARIF = "application/sarif+json";
    private static final Set<String> SCAN_FIELDS = Set.of("read_only", "workspace", "deployment");
    private static final Set<String> SUPPRESS_FIELDS = Set.of("fingerprint", "reason");

    private final CommandBus commands;
    private final SecurityIdentity identity;

    public ArieResource(CommandBus commands, SecurityIdentity identity) {
        this.commands = commands;
        this.identity = identity;
    }

    @POST
    @Path("/scan")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "startScan", summary = "Start an audit scan",
            description = "Configuration and integrity rules, and, if given, a workspace directory and the packed files"
                    + " of a deployment; 202 with the scan id and, in Location, its report. Admiral; a captain only with"
                    + " read_only: true (403 otherwise). The body may be empty.")
    @APIResponse(responseCode = "202", description = "Queued", headers = @Header(name = "Location",
            description = "The scan's report: /api/arie/report/{scan_id}", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Arie.ScanAccepted.class)))
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> scan(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ScanRequest.class),
            examples = @ExampleObject(name = "read-only", value = "{\"read_only\":true}"))) String body) {
        JsonNode json = body == null || body.isBlank() ? io.hxo.contracts.json.Json.mapper().createObjectNode()
                : ApiProblem.jsonObject(body, "the scan request");
        onlyFields(json, SCAN_FIELDS, "a scan request");
        JsonNode ro = json.get("read_only");
        if (ro != null && !ro.isBoolean()) {
            throw ApiProblem.badRequest("read_only must be true or false");
        }
        boolean readOnly = ro != null && ro.booleanValue();
        JsonNode ws = json.get("workspace");
        if (ws != null && !ws.isNull() && (!ws.isTextual() || !ws.asText().startsWith("/") || ws.asText().length() > 4096)) {
            throw ApiProblem.badRequest("workspace must be an absolute directory path on arie-auditor");
        }
        JsonNode dep = json.get("deployment");
        if (dep != null && !dep.isNull() && (!dep.isTextual() || !dep.asText().matches("[0-9a-fA-F]{64}"))) {
            throw ApiProblem.badRequest("deployment must be a manifest root: the 64 hex characters of a deployment's"
                    + " Merkle root");
        }
        if (!readOnly && !identity.hasRole(Roles.ADMIRAL)) {
            throw ApiProblem.of(403, "forbidden", "Forbidden",
                    "a captain may run read-only scans only: send {\"read_only\": true}");
        }
        Arie.ScanRequest req = new Arie.ScanRequest(readOnly, ws == null || ws.isNull() ? null : ws.asText(), "api",
                identity.getPrincipal().getName(),
                dep == null || dep.isNull() ? null : dep.asText().toLowerCase(java.util.Locale.ROOT));
        return commands.request(Topic.ARIE_COMMANDS, Arie.SCAN, null, req).map(reply -> {
            if (!reply.isSuccess()) {
                return problem(reply);
            }
            String id = reply.body().path("scan_id").asText();
            return answer(reply, MediaType.APPLICATION_JSON).location(URI.create("/api/arie/report/" + id)).build();
        });
    }

    @POST
    @Path("/suppress")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "suppressFinding", summary = "Accept a finding",
            description = "Later scans report it as suppressed, with the reason and who accepted it, and raise no"
                    + " alert for it.")
    @APIResponse(responseCode = "200", description = "Suppressed", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Arie.Suppressed.class)))
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> suppress(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SuppressRequest.class))) String body) {
        JsonNode json = ApiProblem.jsonObject(body == null || body.isBlank() ? "{}" : body, "the suppression");
        onlyFields(json, SUPPRESS_FIELDS, "a suppression");
        JsonNode fingerprint = json.get("fingerprint");
        if (fingerprint == null || !fingerprint.isTextual() || !io.hxo.contracts.hash.Hex.isHash(fingerprint.asText())) {
            throw ApiProblem.badRequest("fingerprint must be a finding's fingerprint: 64 lowercase hex characters");
        }
        JsonNode reason = json.get("reason");
        if (reason == null || !reason.isTextual() || reason.asText().isBlank() || reason.asText().length() > 1000) {
            throw ApiProblem.badRequest("reason must say why the finding is accepted (1 to 1000 characters)");
        }
        Arie.Suppress command = new Arie.Suppress(fingerprint.asText(), reason.asText(), identity.getPrincipal().getName());
        return commands.request(Topic.ARIE_COMMANDS, Arie.SUPPRESS, fingerprint.asText(), command)
                .map(reply -> reply.isSuccess() ? answer(reply, MediaType.APPLICATION_JSON).build() : problem(reply));
    }

    @GET
    @Path("/report")
    @Produces({MediaType.APPLICATION_JSON, SARIF})
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getLatestScanReport", summary = "The latest scan's report",
            description = "JSON (status, findings new/existing, suppressed, resolved, summary) or, with format=sarif,"
                    + " SARIF 2.1.0.")
    @APIResponse(responseCode = "200", description = "The report", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Arie.ScanReport.class)),
            @Content(mediaType = SARIF, schema = @Schema(implementation = Arie.SarifLog.class))})
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> latest(@Parameter(description = "json (default) or sarif (once the scan is done)",
            schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "sarif"})) @QueryParam("format") String format) {
        return report(null, format);
    }

    @GET
    @Path("/report/{scan_id}")
    @Produces({MediaType.APPLICATION_JSON, SARIF})
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getScanReport", summary = "A scan's report",
            description = "JSON (while it runs, its status) or, with format=sarif, SARIF 2.1.0 once it is done (409"
                    + " before).")
    @APIResponse(responseCode = "200", description = "The report", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Arie.ScanReport.class)),
            @Content(mediaType = SARIF, schema = @Schema(implementation = Arie.SarifLog.class))})
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> byId(@Parameter(description = "The scan's id (a UUID)", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("scan_id") String scanId,
            @Parameter(description = "json (default) or sarif (once the scan is done)",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "sarif"})) @QueryParam("format") String format) {
        try {
            UUID.fromString(scanId);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("scan_id must be a UUID");
        }
        return report(scanId, format);
    }

    private Uni<Response> report(String scanId, String format) {
        String f = format == null || format.isBlank() ? Arie.FORMAT_JSON : format;
        if (!f.equals(Arie.FORMAT_JSON) && !f.equals(Arie.FORMAT_SARIF)) {
            throw ApiProblem.badRequest("format must be json or sarif");
        }
        return commands.request(Topic.ARIE_COMMANDS, Arie.REPORT, scanId, new Arie.ReportQuery(scanId, f))
                .map(reply -> reply.isSuccess()
                        ? answer(reply, f.equals(Arie.FORMAT_SARIF) ? SARIF : MediaType.APPLICATION_JSON).build()
                        : problem(reply));
    }

    private static void onlyFields(JsonNode json, Set<String> allowed, String what) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiProblem.badRequest("unknown field " + name + "; " + what + " has " + allowed);
            }
        }
    }

    /** ARIE's answer passed on as it came, with its status. */
    private static Response.ResponseBuilder answer(Reply reply, String type) {
        return Response.status(reply.status()).type(type).entity(io.hxo.contracts.json.Json.text(reply.body()));
    }

    private static Response problem(Reply reply) {
        Problem p = reply.problem() != null ? reply.problem()
                : Problem.of(reply.status(), "error", "Error", "arie-auditor answered " + reply.status());
        return ProblemMappers.respond(p, null);
    }
}
