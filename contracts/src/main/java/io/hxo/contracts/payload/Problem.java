package io.hxo.contracts.payload;

import java.util.List;

/**
 * An RFC 9457 problem document. Services put one in a {@link Reply} when a command is refused; the
 * gateway returns it as {@code application/problem+json}.
 */
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://hxo.dev/problems/";

    /** One refused field: a JSON path into the request ({@code stages[1].depends_on[0]}) and why. */
    public record FieldError(String path, String message) {
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
