package io.hxo.planner.partition;

/** A refusal tied to a field of the stage's config ({@code field} is relative, e.g. {@code count}). */
public final class PartitionException extends Exception {
    private final String field;

    public PartitionException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
