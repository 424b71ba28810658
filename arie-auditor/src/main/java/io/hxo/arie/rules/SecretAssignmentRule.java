package io.hxo.arie.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value that looks random assigned to a name that sounds secret ({@code api_key = "q8Zt..."},
 * {@code password: ...}, {@code "clientSecret": "..."}): the pattern finds the assignment, Shannon
 * entropy decides whether the value is a real secret rather than a placeholder or a word.
 * Generic: it gives way to a specific rule (an AWS key, say) on the same line.
 */
final class SecretAssignmentRule implements ContentRule {
    /** Where a secret-sounding name can be: lower-case roots found with a plain (fast) text search. */
    static final List<String> ANCHORS = List.of("secret", "token", "passw", "pwd", "key", "credential");
    /** The names that count (so {@code monkey} or {@code keyboard} do not). */
    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)secret|token|passw(?:or)?d|pwd|api[_.-]?key|access[_.-]?key|private[_.-]?key|auth[_.-]?key|credentials?");
    /** From a name's start: group 1 the name, group 2 the value (16+ token chars ending at a delimiter). */
    static final Pattern ASSIGNMENT = Pattern.compile(
            "([A-Za-z0-9_.-]+)[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"']?([A-Za-z0-9+/_-][A-Za-z0-9+/=_-]{15,})"
                    + "(?=[\"'\\s,;)}\\]]|$)",
            Pattern.MULTILINE);
    /** Below this a value that is only hex digits is not random enough (a random hex char carries 4 bits). */
    static final double HEX_MIN_ENTROPY = 3.0;
    static final int HEX_MIN_LENGTH = 32;
    /** Below this any other value is taken for a word or placeholder. */
    static final double MIN_ENTROPY = 3.5;

    private final RuleInfo info = new RuleInfo(WorkspaceRules.SECRET_ASSIGNMENT, Severity.HIGH, RuleScope.WORKSPACE,
            "A high-entropy value is assigned to a secret-looking name (key, token, password).",
            "Move the value to the environment or a secret store, reference it (${API_KEY}), rotate it, and "
                    + "remove it from the workspace and its history.");

    @Override
    public RuleInfo info() {
        return info;
    }

    @Override
    public boolean generic() {
        return true;
    }

    /**
     * Finds each anchor with {@code indexOf} (a regex tried at every character is ten times slower),
     * walks back to the start of the name around it, and matches the assignment from there.
     */
    @Override
    public List<TextMatch> find(CharSequence text) {
        String lower = lowerAscii(text);
        Matcher m = ASSIGNMENT.matcher(text);
        Set<Integer> tried = new HashSet<>();
        List<TextMatch> out = List.of();
        for (String anchor : ANCHORS) {
            for (int i = lower.indexOf(anchor); i >= 0; i = lower.indexOf(anchor, i + anchor.length())) {
                int start = i;
                while (start > 0 && isNameChar(text.charAt(start - 1))) {
                    start--;
                }
                if (!tried.add(start)) {
                    continue;
                }
                m.region(start, text.length());
                if (!m.lookingAt() || !SECRET_NAME.matcher(m.group(1)).find() || !looksRandom(m.group(2))) {
                    continue;
                }
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                String name = m.group(1);
                String value = m.group(2);
                out.add(new TextMatch(start, String.format(Locale.ROOT,
                        "A secret-looking value is assigned to %s: %s, %.1f bits of entropy per char", name,
                        RegexRule.redact(value), Entropy.shannon(value)), name.toLowerCase(Locale.ROOT) + "=" + value));
            }
        }
        if (out.size() > 1) {
            out.sort(Comparator.comparingInt(TextMatch::offset));
        }
        return out;
    }

    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                || c == '-';
    }

    /** Lower-cases A-Z only, so offsets stay those of the text. */
    static String lowerAscii(CharSequence text) {
        char[] out = new char[text.length()];
        for (int i = 0; i < out.length; i++) {
            char c = text.charAt(i);
            out[i] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return new String(out);
    }

    static boolean looksRandom(String value) {
        boolean hex = true;
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            hex &= Character.digit(c, 16) >= 0;
            digit |= c >= '0' && c <= '9';
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        double bits = Entropy.shannon(value);
        if (hex) {
            return value.length() >= HEX_MIN_LENGTH && bits >= HEX_MIN_ENTROPY;
        }
        // words and CONSTANT_NAMES have no digits and one case; generated secrets rarely do
        return (digit || (upper && lower)) && bits >= MIN_ENTROPY;
    }
}
