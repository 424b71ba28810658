package io.hxo.arie.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.hxo.arie.scan.Auditor;
import io.hxo.arie.scan.Finding;
import io.hxo.arie.scan.ScanOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operators add regex rules by configuration; a bad entry is refused with a line saying what is wrong. */
class RegexRuleParserTest {

    @Test
    void anEntryBecomesARuleAndItsRegexMayContainBars() {
        RegexRuleParser.Result r = RegexRuleParser.parseEntries(List.of(
                "ACME-TICKET-1|medium|(?:JIRA|TICKET)-[0-9]+|Ticket ids left in code.|Link the ticket in the PR instead."),
                "arie.rules.extra");

        assertThat(r.errors()).isEmpty();
        RegexRule rule = r.rules().get(0);
        assertThat(rule.info()).isEqualTo(new RuleInfo("ACME-TICKET-1", Severity.MEDIUM, RuleScope.WORKSPACE,
                "Ticket ids left in code.", "Link the ticket in the PR instead."));
        assertThat(rule.pattern().pattern()).isEqualTo("(?:JIRA|TICKET)-[0-9]+");
        assertThat(rule.find("// TODO JIRA-42 and TICKET-7")).hasSize(2);
    }

    @Test
    void everyBadEntryIsReportedAtOnceNamingItsIndex() {
        RegexRuleParser.Result r = RegexRuleParser.parseEntries(Arrays.asList(
                "ACME-1|high|x",
                "ACME-2|urgent|foo|d|f",
                "ACME-3|low|(unclosed|d|f",
                "ACME-4|low|a*|d|f",
                "acme-5|low|foo|d|f",
                "",
                "ACME-6|low|foo| |f",
                "ACME-7|low|foo|d|f",
                "ACME-7|low|bar|d|f"), "arie.rules.extra");

        assertThat(r.rules()).extracting(RegexRule::id).containsExactly("ACME-7");
        assertThat(r.errors()).containsExactly(
                "arie.rules.extra[0]: expected id|severity|regex|description|fix (only the regex may contain |), "
                        + "got \"ACME-1|high|x\"",
                "arie.rules.extra[1] (ACME-2): severity must be one of low, medium, high, critical, got \"urgent\"",
                "arie.rules.extra[2] (ACME-3): regex does not compile: Unclosed group at index 9 of /(unclosed/",
                "arie.rules.extra[3] (ACME-4): regex /a*/ matches the empty string, so it would match every file",
                "arie.rules.extra[4] (acme-5): id must be upper-case words joined by dashes, like ACME-SECRETS-1, "
                        + "got \"acme-5\"",
                "arie.rules.extra[6] (ACME-6): description is missing",
                "arie.rules.extra[8] (ACME-7): id ACME-7 is used twice");
        assertThatThrownBy(r::orThrow).isInstanceOf(RuleConfigurationException.class)
                .hasMessageContaining("arie.rules.extra[1] (ACME-2)");
    }

    @Test
    void aJsonRulesFileChecksItsOwnExamples(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.json");
        Files.writeString(file, """
                {"rules": [
                  {"id": "ACME-SLACK-1", "severity": "high", "regex": "xox[abpr]-[0-9A-Za-z-]{10,}",
                   "description": "A Slack token is committed.", "fix": "Revoke it in Slack.",
                   "positive": ["token = xoxb-1234567890-abcdef"], "negative": ["xoxb-short"]},
                  {"id": "ACME-SLACK-2", "severity": "high", "regex": "hooks\\\\.slack\\\\.com",
                   "description": "A Slack webhook.", "fix": "Revoke it.", "negative": ["https://hooks.slack.com/x"]},
                  {"id": "ACME-3", "severty": "low", "regex": "x", "description": "d", "fix": "f"},
                  {"id": "ACME-4", "severity": "high", "regex": "gh[po]_[A-Za-z0-9]{36}", "keywords": ["gho_"],
                   "description": "A GitHub token.", "fix": "Revoke it.",
                   "positive": ["ghp_0123456789abcdefABCDEF0123456789abcd"]}
                ]}
                """);

        RegexRuleParser.Result r = RegexRuleParser.parseFile(file);

        assertThat(r.rules()).extracting(RegexRule::id).containsExactly("ACME-SLACK-1");
        assertThat(r.errors()).containsExactly(
                file + "[1] (ACME-SLACK-2): negative example \"https://hooks.slack.com/x\" matches",
                file + "[2]: unknown field(s) [severty] (known: id, severity, regex, description, fix, show_match, "
                        + "keywords, positive, negative)",
                file + "[3] (ACME-4): positive example \"ghp_0123456789abcdefABCDEF0123456789abcd\" contains none of the "
                        + "keywords [gho_], so the rule would skip it");
        assertThat(RegexRuleParser.parseJson("{not json", "x.json").errors()).singleElement().asString()
                .startsWith("x.json: ");
        assertThat(RegexRuleParser.parseJson("{\"id\": 1}", "x.json").errors())
                .containsExactly("x.json: must be a JSON array of rules or an object with a \"rules\" array");
    }

    @Test
    void keywordsLetTheRegexSkipFilesWithoutThem() {
        RegexRule rule = RegexRuleParser.parseJson("""
                [{"id": "ACME-GH-1", "severity": "high", "regex": "gh[po]_[A-Za-z0-9]{36}", "keywords": ["ghp_", "gho_"],
                  "description": "A GitHub token.", "fix": "Revoke it.", "positive": ["ghp_0123456789abcdefABCDEF0123456789abcd"]}]
                """, "x.json").orThrow().get(0);
        assertThat(rule.keywords()).containsExactly("ghp_", "gho_");
        assertThat(rule.find("token: gho_0123456789abcdefABCDEF0123456789abcd")).hasSize(1);
        // the regex alone would match GHP_..., but no keyword is in the text, so it is not even run
        RegexRule loose = new RegexRule(rule.info(), java.util.regex.Pattern.compile("(?i)gh[po]_[a-z0-9]{36}"), false,
                rule.keywords());
        assertThat(loose.find("GHP_0123456789abcdefABCDEF0123456789abcd")).isEmpty();
    }

    @Test
    void configuredRulesJoinTheBuiltinOnesAndScanWorkspaces(@TempDir Path root) throws IOException {
        Path file = root.resolve("extra-rules.json");
        Files.writeString(file, "[{\"id\": \"ACME-INTERNAL-1\", \"severity\": \"low\", \"regex\": \"internal\\\\.acme\\\\.corp\","
                + " \"description\": \"An internal host name.\", \"fix\": \"Use the public name.\", \"show_match\": true}]");
        Files.writeString(root.resolve("app.yml"), "url: https://build.internal.acme.corp/x\ntoken: TICKET-12\n");

        RuleSet rules = RuleSet.configured(List.of("ACME-TICKET-1|medium|TICKET-[0-9]+|A ticket id.|Remove it."),
                Optional.of(file));
        List<Finding> found = new Auditor(rules, ScanOptions.defaults()).scanWorkspace(root).findings();

        assertThat(rules.find("HXO-WS-001")).isPresent();
        assertThat(found).extracting(Finding::ruleId, Finding::severity, f -> f.location().line(), Finding::message)
                .containsExactly(
                        tuple("ACME-INTERNAL-1", Severity.LOW, 1, "An internal host name: internal.acme.corp"),
                        tuple("ACME-TICKET-1", Severity.MEDIUM, 2, "A ticket id: ********* (9 chars)"));
    }

    @Test
    void aConfiguredRuleCannotTakeABuiltinId() {
        assertThatThrownBy(() -> RuleSet.configured(List.of("HXO-WS-001|low|foo|d|f", "X-1|nope|foo|d|f"),
                Optional.empty()))
                .isInstanceOfSatisfying(RuleConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "arie.rules.extra[1] (X-1): severity must be one of low, medium, high, critical, got \"nope\"",
                        "HXO-WS-001: id is already taken by a built-in rule"));
    }

    @Test
    void builtinRulesAreUniqueAndDescribed() {
        assertThat(RuleSet.builtin().infos()).extracting(RuleInfo::id).doesNotHaveDuplicates()
                .contains("HXO-CFG-001", "HXO-CFG-011", "HXO-WS-001", "HXO-WS-006").hasSize(17);
    }
}
