package io.hxo.gateway.openapi;

import io.hxo.gateway.auth.Roles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * What every operation shares, added in one place (run when the document is built): a secured
 * operation (Quarkus derives its requirement from {@code @RolesAllowed}, the roles as scopes)
 * accepts either bearer scheme, names its roles in {@code x-hxo-roles} and its description, and
 * answers 401 and 429 problem documents, and 403 when captains may not call it; an operation that
 * takes parameters or a body answers 400, one with a body 413. The answers Quarkus adds on its own
 * (401, 403 and 400 without a body) are replaced by these. Requirements carry no scopes: bearer
 * schemes have none, and linters (Spectral's oas3-operation-security-defined) read scopes as OAuth2's.
 */
public class ContractFilter implements OASFilter {
    public static final String STATIC_TOKEN = "staticToken";
    public static final String JWT = "jwt";
    /** The operation extension naming the roles that may call it. */
    public static final String ROLES = "x-hxo-roles";
    private static final String RESPONSES = "#/components/responses/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() != null && openAPI.getComponents().getSecuritySchemes() != null) {
            // Only the two schemes declared in package-info: one Quarkus may add on its own says less.
            List<String> others = new ArrayList<>(openAPI.getComponents().getSecuritySchemes().keySet());
            others.removeAll(List.of(STATIC_TOKEN, JWT));
            others.forEach(openAPI.getComponents()::removeSecurityScheme);
        }
        if (openAPI.getPaths() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation op : item.getOperations().values()) {
                shareAnswers(op);
            }
        }
    }

    private static void shareAnswers(Operation op) {
        APIResponses responses = op.getResponses();
        List<String> roles = roles(op);
        if (roles != null) {
            op.setSecurity(List.of(requirement(STATIC_TOKEN), requirement(JWT)));
            op.addExtension(ROLES, List.copyOf(roles));
            String who = roles.contains(Roles.CAPTAIN) ? "Role: captain or admiral." : "Role: admiral.";
            if (op.getDescription() == null || !op.getDescription().endsWith(who)) {
                op.setDescription(op.getDescription() == null ? who : op.getDescription() + " " + who);
            }
            put(responses, "401", "Unauthorized");
            put(responses, "429", "TooManyRequests");
            if (!roles.contains(Roles.CAPTAIN)) {
                put(responses, "403", "Forbidden");
            } else if (isBare(responses.getAPIResponse("403"))) {
                responses.removeAPIResponse("403");
            }
        }
        boolean params = op.getParameters() != null && !op.getParameters().isEmpty();
        if (params || op.getRequestBody() != null) {
            put(responses, "400", "BadRequest");
        } else if (isBare(responses.getAPIResponse("400"))) {
            responses.removeAPIResponse("400");
        }
        if (op.getRequestBody() != null) {
            put(responses, "413", "PayloadTooLarge");
        }
        // By status, so a reader (and a diff of the committed copy) finds them in one order.
        Map<String, APIResponse> sorted = new TreeMap<>(responses.getAPIResponses());
        sorted.keySet().forEach(responses::removeAPIResponse);
        sorted.forEach(responses::addAPIResponse);
    }

    /** The roles of the operation's requirement, or null when it needs no token. */
    private static List<String> roles(Operation op) {
        if (op.getSecurity() == null || op.getSecurity().isEmpty()) {
            return null;
        }
        List<String> roles = new ArrayList<>();
        for (SecurityRequirement r : op.getSecurity()) {
            for (Map.Entry<String, List<String>> e : r.getSchemes().entrySet()) {
                if (e.getValue() != null) {
                    e.getValue().stream().filter(role -> !roles.contains(role)).forEach(roles::add);
                }
            }
        }
        return roles;
    }

    private static SecurityRequirement requirement(String scheme) {
        return OASFactory.createSecurityRequirement().addScheme(scheme);
    }

    /** Sets the answer unless the operation declared its own (an {@code @APIResponse} with a body or a ref). */
    private static void put(APIResponses responses, String status, String shared) {
        if (isBare(responses.getAPIResponse(status))) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().ref(RESPONSES + shared));
        }
    }

    private static boolean isBare(APIResponse r) {
        return r == null || (r.getRef() == null && (r.getContent() == null || r.getContent().getMediaTypes().isEmpty()));
    }
}
