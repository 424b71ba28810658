package io.hxo.arie.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns operator configuration into {@link RegexRule}s. Two forms:
 *
 * <ul>
 *   <li>entries {@code id|severity|regex|description|fix} (e.g. {@code arie.rules.extra[0]}): the id
 *       and severity are the text before the first two bars, the description and fix the text after
 *       the last two, and the regex everything between, so the regex may contain {@code |};</li>
 *   <li>a JSON file: an array (or {@code {"rules": [...]}}) of objects with {@code id},
 *       {@code severity}, {@code regex}, {@code description}, {@code fix} and optionally
 *       {@code show_match}, {@code keywords} (literals, one of which every match contains: the regex
 *       only runs on files containing one, which makes a rule much cheaper) and example lines
 *       {@code positive} (must match) and {@code negative} (must not), checked when the file is read.</li>
 * </ul>
 *
 * Problems are values: every bad entry is reported, each naming where it is and what is wrong.
 */
public final class RegexRuleParser {
    private static final Set<String> JSON_FIELDS = Set.of("id", "severity", "regex", "description", "fix",
            "show_match", "keywords", "positive", "negative");

    private RegexRuleParser() {
    }

    /** The rules that parsed and one line per problem. */
    public record Result(List<RegexRule> rules, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** The rules, or a {@link RuleConfigurationException} listing every problem. */
        public List<RegexRule> orThrow() {
            if (!ok()) {
                throw new RuleConfigurationException(errors);
            }
            return rules;
        }
    }

    /** Parses {@code id|severity|regex|description|fix} entries; blank entries are skipped. */
    public static Result parseEntries(List<String> entries, String source) {
        List<RegexRule> rules = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if (entry == null || entry.isBlank()) {
                continue;
            }
            String where = source + "[" + i + "]";
            int first = entry.indexOf('|');
            int second = first < 0 ? -1 : entry.indexOf('|', first + 1);
            int last = entry.lastIndexOf('|');
            int beforeLast = last <= 0 ? -1 : entry.lastIndexOf('|', last - 1);
            if (first < 0 || second < 0 || beforeLast <= second) {
                errors.add(where + ": expected id|severity|regex|description|fix (only the regex may contain |), got \""
                        + abbreviate(entry) + "\"");
                continue;
            }
            build(where, entry.substring(0, first).trim(), entry.substring(first + 1, second).trim(),
                    entry.substring(second + 1, beforeLast).trim(), entry.substring(beforeLast + 1, last).trim(),
                    entry.substring(last + 1).trim(), false, List.of(), List.of(), List.of(), seen, rules, errors);
        }
        return new Result(List.copyOf(rules), List.copyOf(errors));
    }

    /** Parses the JSON form; {@code source} names it in error messages (e.g. the file name). */
    public static Result parseJson(String json, String source) {
        JsonNode root;
        try {
            root = Json.tree(json.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return new Result(List.of(), List.of(source + ": " + e.getMessage()));
        }
        JsonNode list = root != null && root.isObject() ? root.get("rules") : root;
        if (list == null || !list.isArray()) {
            return new Result(List.of(), List.of(source + ": must be a JSON array of rules or an object with a \"rules\" array"));
        }
        List<RegexRule> rules = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String where = source + "[" + i + "]";
            if (!node.isObject()) {
                errors.add(where + ": must be an object with id, severity, regex, description and fix");
                continue;
            }
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!JSON_FIELDS.contains(f)) {
                    unknown.add(f);
                }
            }
            if (!unknown.isEmpty()) {
                errors.add(where + ": unknown field(s) " + unknown + " (known: id, severity, regex, description, fix, "
                        + "show_match, keywords, positive, negative)");
                continue;
            }
            List<String> positive = new ArrayList<>();
            List<String> negative = new ArrayList<>();
            List<String> keywords = new ArrayList<>();
            if (!lines(node.get("positive"), positive) || !lines(node.get("negative"), negative)
                    || !lines(node.get("keywords"), keywords)) {
                errors.add(where + ": keywords, positive and negative must be arrays of strings");
                continue;
            }
            JsonNode show = node.get("show_match");
            if (show != null && !show.isBoolean()) {
                errors.add(where + ": show_match must be true or false");
                continue;
            }
            build(where, text(node, "id"), text(node, "severity"), text(node, "regex"), text(node, "description"),
                    text(node, "fix"), show != null && show.asBoolean(), keywords, positive, negative, seen, rules, errors);
        }
        return new Result(List.copyOf(rules), List.copyOf(errors));
    }

    /** Reads and parses a JSON rules file. */
    public static Result parseFile(Path file) {
        try {
            return parseJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            return new Result(List.of(), List.of(file + ": cannot be read (" + e + ")"));
        }
    }

    private static void build(String where, String id, String severity, String regex, String description, String fix,
            boolean showMatch, List<String> keywords, Collection<String> positive, Collection<String> negative,
            Set<String> seen,
            List<RegexRule> rules, List<String> errors) {
        List<String> problems = new ArrayList<>();
        if (id == null || id.isEmpty()) {
            problems.add("id is missing");
        } else if (!RuleInfo.ID.matcher(id).matches()) {
            problems.add("id must be upper-case words joined by dashes, like ACME-SECRETS-1, got \"" + id + "\"");
        } else if (!seen.add(id)) {
            problems.add("id " + id + " is used twice");
        }
        Severity sev = null;
        try {
            sev = Severity.parse(severity);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        Pattern pattern = null;
        if (regex == null || regex.isEmpty()) {
            problems.add("regex is missing");
        } else {
            try {
                pattern = Pattern.compile(regex, Pattern.MULTILINE);
                if (pattern.matcher("").find()) {
                    problems.add("regex /" + regex + "/ matches the empty string, so it would match every file");
                    pattern = null;
                }
            } catch (PatternSyntaxException e) {
                problems.add("regex does not compile: " + e.getDescription() + " at index " + e.getIndex() + " of /"
                        + regex + "/");
            }
        }
        if (description == null || description.isEmpty()) {
            problems.add("description is missing");
        }
        if (fix == null || fix.isEmpty()) {
            problems.add("fix is missing");
        }
        if (keywords.stream().anyMatch(String::isEmpty)) {
            problems.add("a keyword is empty");
        }
        if (pattern != null) {
            for (String line : positive) {
                if (!pattern.matcher(line).find()) {
                    problems.add("positive example \"" + abbreviate(line) + "\" does not match");
                } else if (!keywords.isEmpty() && keywords.stream().noneMatch(line::contains)) {
                    problems.add("positive example \"" + abbreviate(line) + "\" contains none of the keywords "
                            + keywords + ", so the rule would skip it");
                }
            }
            for (String line : negative) {
                if (pattern.matcher(line).find()) {
                    problems.add("negative example \"" + abbreviate(line) + "\" matches");
                }
            }
        }
        if (problems.isEmpty()) {
            rules.add(new RegexRule(new RuleInfo(id, sev, RuleScope.WORKSPACE, description, fix), pattern, showMatch,
                    keywords));
        } else {
            errors.add(where + (id == null || id.isEmpty() ? "" : " (" + id + ")") + ": " + String.join("; ", problems));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText().trim();
    }

    private static boolean lines(JsonNode node, List<String> into) {
        if (node == null) {
            return true;
        }
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                return false;
            }
            into.add(n.asText());
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
