package io.hxo.contracts.payload;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem document. Services put one in a {@link Reply} when a command is refused; the
 * gateway returns it as {@code application/problem+json}.
 */
@Schema(name = "Problem", description = "An RFC 9457 problem document, served as application/problem+json")
public record Problem(
        @Schema(required = true, format = "uri", description = "What kind of problem it is",
                examples = "https://hxo.dev/problems/invalid-request") String type,
        @Schema(required = true, examples = "Invalid request") String title,
        @Schema(required = true, examples = "422") int status,
        @Schema(description = "What happened, for a person") String detail,
        @Schema(description = "The request path it happened on", examples = "/api/hxo/create-and-submit") String instance,
        @Schema(description = "The refused fields of an invalid request") List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://hxo.dev/problems/";

    /** One refused field: a JSON path into the request ({@code stages[1].depends_on[0]}) and why. */
    @Schema(name = "FieldError")
    public record FieldError(@Schema(required = true, examples = "stages[0].kind") String path,
            @Schema(required = true, examples = "unknown job kind") String message) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, null);
    }

    public static Problem invalid(int status, String detail, List<FieldError> errors) {
        return new Problem(TYPE_BASE + "invalid-request", "Invalid request", status, detail, null,
                List.copyOf(errors));
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }
}
