package io.hxo.contracts.payload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A plan's state (SPEC §3): {@code accepted → running → completed → certified}, or one of the ends
 * {@code halted}, {@code aborted}, {@code timed_out}, {@code certification_failed}. On the wire it is
 * the lowercase name, as in the status document.
 */
public enum PlanState {
    ACCEPTED, RUNNING, COMPLETED, CERTIFIED, HALTED, ABORTED, TIMED_OUT, CERTIFICATION_FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static PlanState fromWire(String wire) {
        if (wire == null) {
            throw new IllegalArgumentException("a plan state is required");
        }
        try {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown plan state \"" + wire + "\"");
        }
    }

    /** Accepted or running: the plan may still change by itself. */
    public boolean live() {
        return this == ACCEPTED || this == RUNNING;
    }

    /** The plan has a Merkle root (completed, and whatever consensus decided about it). */
    public boolean hasRoot() {
        return this == COMPLETED || this == CERTIFIED || this == CERTIFICATION_FAILED;
    }

    /** Halted, aborted or timed out: replay may run it again. */
    public boolean replayable() {
        return this == HALTED || this == ABORTED || this == TIMED_OUT;
    }

    @Override
    public String toString() {
        return wire();
    }
}
