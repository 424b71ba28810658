package io.hxo.arie.rules;

import java.util.List;

/** A rule over the sanitized config facts one service reports in its heartbeat. */
public non-sealed interface ConfigRule extends Rule {
    /**
     * The problems in one service's facts. A fact the service does not report is not judged: a
     * rule only reports what it can see.
     */
    List<Hit> check(String service, Facts facts, RuleContext context);
}
