package io.hxo.arie.report;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether the previous scan (the baseline) already had a finding's fingerprint. */
public enum BaselineState {
    NEW("new", "new"),
    EXISTING("existing", "unchanged");

    private final String wireName;
    private final String sarifName;

    BaselineState(String wireName, String sarifName) {
        this.wireName = wireName;
        this.sarifName = sarifName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** SARIF {@code baselineState}. */
    public String sarifName() {
        return sarifName;
    }
}
