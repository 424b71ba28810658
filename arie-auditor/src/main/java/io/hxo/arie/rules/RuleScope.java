package io.hxo.arie.rules;

/** What a rule reads: the config facts services report, the files of a workspace, or certified plans' stored results. */
public enum RuleScope {
    CONFIG,
    WORKSPACE,
    INTEGRITY
}
