package io.hxo.arie.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rules a scan runs, each id once, in id order. Immutable. */
public final class RuleSet {
    private final Map<String, Rule> byId;

    private RuleSet(Map<String, Rule> byId) {
        this.byId = byId;
    }

    /** Every rule ARIE ships: the configuration checklist and the workspace rules. */
    public static RuleSet builtin() {
        List<Rule> all = new ArrayList<>(ConfigRules.all());
        all.addAll(WorkspaceRules.all());
        return of(all);
    }

    /**
     * The built-in rules plus the operator's regex rules: {@code id|severity|regex|description|fix}
     * entries (e.g. {@code arie.rules.extra[i]}) and an optional JSON rules file
     * ({@code arie.rules.file}). Every problem, including an id clash with a built-in rule, is reported
     * at once in a {@link RuleConfigurationException}.
     */
    public static RuleSet configured(List<String> extraEntries, Optional<Path> extraRulesFile) {
        RuleSet builtin = builtin();
        List<String> errors = new ArrayList<>();
        List<RegexRule> extra = new ArrayList<>();
        RegexRuleParser.Result entries = RegexRuleParser.parseEntries(
                extraEntries == null ? List.of() : extraEntries, "arie.rules.extra");
        errors.addAll(entries.errors());
        extra.addAll(entries.rules());
        (extraRulesFile == null ? Optional.<Path>empty() : extraRulesFile).ifPresent(file -> {
            RegexRuleParser.Result fromFile = RegexRuleParser.parseFile(file);
            errors.addAll(fromFile.errors());
            extra.addAll(fromFile.rules());
        });
        Map<String, Rule> seen = new LinkedHashMap<>(builtin.byId);
        for (RegexRule rule : extra) {
            if (seen.putIfAbsent(rule.id(), rule) != null) {
                errors.add(rule.id() + ": id is already taken by " + (builtin.byId.containsKey(rule.id())
                        ? "a built-in rule" : "another configured rule"));
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleConfigurationException(errors);
        }
        return builtin.plus(extra);
    }

    public static RuleSet of(Collection<? extends Rule> rules) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        rules.stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(rule -> {
            if (byId.putIfAbsent(rule.id(), rule) != null) {
                throw new IllegalArgumentException("rule id " + rule.id() + " is used twice");
            }
        });
        return new RuleSet(byId);
    }

    public RuleSet plus(Collection<? extends Rule> extra) {
        List<Rule> all = new ArrayList<>(byId.values());
        all.addAll(extra);
        return of(all);
    }

    /** Just one rule (fixtures run each rule alone). */
    public RuleSet only(String id) {
        return of(List.of(find(id).orElseThrow(() -> new IllegalArgumentException("no rule " + id))));
    }

    public List<Rule> all() {
        return List.copyOf(byId.values());
    }

    public List<RuleInfo> infos() {
        return byId.values().stream().map(Rule::info).toList();
    }

    public Optional<Rule> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public <T extends Rule> List<T> ofType(Class<T> type) {
        return byId.values().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
