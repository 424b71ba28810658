package io.hxo.arie.rules;

/** What a rule reads: the config facts services report, or the files of a workspace. */
public enum RuleScope {
    CONFIG,
    WORKSPACE
}
