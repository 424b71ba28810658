package io.hxo.arie.rules;

import java.util.List;

/** Operator-supplied rules that cannot be used; every problem is listed, one line each. */
public class RuleConfigurationException extends IllegalArgumentException {
    private final List<String> problems;

    public RuleConfigurationException(List<String> problems) {
        super("bad audit rule configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
