package io.hxo.arie.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The built-in workspace rules: the pattern-only ones as data ({@code builtin-workspace-rules.json},
 * the same format operators use), the rest as code.
 */
public final class WorkspaceRules {
    public static final String PRIVATE_KEY = "HXO-WS-001";
    public static final String AWS_ACCESS_KEY = "HXO-WS-002";
    public static final String SECRET_ASSIGNMENT = "HXO-WS-003";
    public static final String ENV_FILE = "HXO-WS-004";
    public static final String OVERSIZED_FILE = "HXO-WS-005";
    public static final String DUPLICATE_FILE = "HXO-WS-006";

    static final String RESOURCE = "builtin-workspace-rules.json";

    private WorkspaceRules() {
    }

    public static List<Rule> all() {
        List<Rule> rules = new ArrayList<>(builtinRegexRules());
        rules.add(new SecretAssignmentRule());
        rules.add(new EnvFileRule());
        rules.add(new OversizedFileRule());
        rules.add(new DuplicateFileRule());
        rules.sort(Comparator.comparing(Rule::id));
        return List.copyOf(rules);
    }

    private static List<RegexRule> builtinRegexRules() {
        try (InputStream in = WorkspaceRules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            RegexRuleParser.Result parsed = RegexRuleParser.parseJson(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8), RESOURCE);
            if (!parsed.ok()) {
                throw new IllegalStateException("built-in rules are broken: " + parsed.errors());
            }
            return parsed.rules();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
