package io.hxo.arie.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workspace rule that is only data: a regular expression searched in every text file (multi-line
 * mode, so {@code ^} and {@code $} anchor at line ends). Built-in ones come from
 * {@code builtin-workspace-rules.json}; operators add their own ({@link RegexRuleParser}).
 */
public final class RegexRule implements ContentRule {
    private final RuleInfo info;
    private final Pattern pattern;
    private final boolean showMatch;
    private final List<String> keywords;

    public RegexRule(RuleInfo info, Pattern pattern, boolean showMatch) {
        this(info, pattern, showMatch, List.of());
    }

    /**
     * @param showMatch show the matched text in messages (only for matches that are not secrets, like a
     *                  PEM header); otherwise only its first and last four characters are shown
     * @param keywords  literals (case-sensitive) of which every match contains at least one: the regex
     *                  runs only on files that contain one, found with a plain text search; empty to
     *                  always run it
     */
    public RegexRule(RuleInfo info, Pattern pattern, boolean showMatch, List<String> keywords) {
        if (info.scope() != RuleScope.WORKSPACE) {
            throw new IllegalArgumentException(info.id() + ": a regex rule reads files, its scope is WORKSPACE");
        }
        this.info = info;
        this.pattern = pattern;
        this.showMatch = showMatch;
        this.keywords = List.copyOf(keywords);
    }

    @Override
    public RuleInfo info() {
        return info;
    }

    public Pattern pattern() {
        return pattern;
    }

    public List<String> keywords() {
        return keywords;
    }

    @Override
    public List<TextMatch> find(CharSequence text) {
        List<TextMatch> out = List.of();
        if (!keywords.isEmpty()) {
            String s = text.toString();
            if (keywords.stream().noneMatch(s::contains)) {
                return out;
            }
        }
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (out.isEmpty()) {
                out = new ArrayList<>();
            }
            String match = m.group();
            String shown = showMatch ? match.strip().replaceAll("\\s+", " ") : redact(match);
            out.add(new TextMatch(m.start(), sentence(info.description()) + ": " + shown, match));
        }
        return out;
    }

    /** The first and last four characters and the length: enough to find it, not enough to use it. */
    static String redact(String secret) {
        String s = secret.strip();
        if (s.length() <= 12) {
            return "*".repeat(s.length()) + " (" + s.length() + " chars)";
        }
        return s.substring(0, 4) + "..." + s.substring(s.length() - 4) + " (" + s.length() + " chars)";
    }

    static String sentence(String description) {
        String d = description.strip();
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    @Override
    public String toString() {
        return info.id() + " /" + pattern.pattern() + "/";
    }
}
