package io.hxo.contracts.sign;

/** Why a consumer accepted or refused a record. The names are the reasons recorded in the DLQ. */
public enum Verdict {
    ACCEPTED("accepted"),
    MALFORMED("malformed"),
    MISSING_SIGNATURE("missing_signature"),
    UNKNOWN_KEY("unknown_key"),
    BAD_SIGNATURE("bad_signature"),
    STALE("stale"),
    REPLAYED("replayed");

    private final String reason;

    Verdict(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    public boolean accepted() {
        return this == ACCEPTED;
    }
}
