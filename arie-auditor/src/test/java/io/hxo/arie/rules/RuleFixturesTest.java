package io.hxo.arie.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hxo.arie.scan.Auditor;
import io.hxo.arie.scan.Finding;
import io.hxo.arie.scan.ScanOptions;
import io.hxo.contracts.json.Json;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every rule against its own fixtures, under {@code src/test/resources/rules/<rule-id>/}: each entry
 * of {@code positive/} must give at least one finding of the rule, each entry of {@code negative/}
 * none. A config case is a JSON file (service → facts, as heartbeats report them); a workspace case
 * is a directory scanned as a workspace (a path segment {@code dot_x} is laid out as {@code .x},
 * since git ignores some dot-files). An optional {@code options.properties} sets {@code now},
 * {@code max-file-bytes} or {@code max-secret-age-days}. A rule without fixtures, or fixtures
 * without a rule, fail the build.
 */
class RuleFixturesTest {
    private static final RuleSet RULES = RuleSet.builtin();
    /** Fixture scans run at a fixed instant unless a rule's options say otherwise. */
    private static final Instant DEFAULT_NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void everyRuleHasPositiveAndNegativeFixturesAndEveryFixtureARule() throws IOException {
        Path root = fixtures();
        for (Rule rule : RULES.all()) {
            assertThat(cases(root.resolve(rule.id()).resolve("positive")))
                    .as("positive fixtures of %s", rule.id()).isNotEmpty();
            assertThat(cases(root.resolve(rule.id()).resolve("negative")))
                    .as("negative fixtures of %s", rule.id()).isNotEmpty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<String> orphans = dirs.map(d -> d.getFileName().toString())
                    .filter(id -> RULES.find(id).isEmpty()).toList();
            assertThat(orphans).as("fixture directories without a rule").isEmpty();
        }
    }

    @TestFactory
    Stream<DynamicNode> positivesFindTheRuleAndNegativesDoNot() throws IOException {
        Path root = fixtures();
        List<DynamicNode> perRule = new ArrayList<>();
        for (Rule rule : RULES.all()) {
            Path dir = root.resolve(rule.id());
            ScanOptions options = options(dir);
            List<DynamicNode> tests = new ArrayList<>();
            for (Path c : cases(dir.resolve("positive"))) {
                tests.add(DynamicTest.dynamicTest("positive/" + c.getFileName(), () -> {
                    List<Finding> found = run(rule, c, options);
                    assertThat(found).as("%s must report positive fixture %s", rule.id(), root.relativize(c))
                            .isNotEmpty()
                            .allSatisfy(f -> assertThat(f.ruleId()).isEqualTo(rule.id()));
                }));
            }
            for (Path c : cases(dir.resolve("negative"))) {
                tests.add(DynamicTest.dynamicTest("negative/" + c.getFileName(), () -> {
                    List<Finding> found = run(rule, c, options);
                    assertThat(found).as("%s must not report negative fixture %s", rule.id(), root.relativize(c))
                            .isEmpty();
                }));
            }
            perRule.add(DynamicContainer.dynamicContainer(rule.id(), tests));
        }
        return perRule.stream();
    }

    private static List<Finding> run(Rule rule, Path fixture, ScanOptions options) throws IOException {
        Auditor auditor = new Auditor(RULES.only(rule.id()), options);
        if (rule.info().scope() == RuleScope.CONFIG) {
            assertThat(fixture.getFileName().toString()).as("a config fixture is a .json file").endsWith(".json");
            Map<String, Map<String, Object>> facts = Json.mapper().readValue(fixture.toFile(),
                    new TypeReference<Map<String, Map<String, Object>>>() {
                    });
            return auditor.scanConfig(facts).findings();
        }
        assertThat(fixture).as("a workspace fixture is a directory").isDirectory();
        Path workspace = Files.createTempDirectory("arie-fixture-");
        try {
            layOut(fixture, workspace);
            return auditor.scanWorkspace(workspace).findings();
        } finally {
            deleteTree(workspace);
        }
    }

    private static ScanOptions options(Path ruleDir) throws IOException {
        Properties p = new Properties();
        Path file = ruleDir.resolve("options.properties");
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        ScanOptions o = ScanOptions.defaults().withClock(Clock.fixed(
                p.containsKey("now") ? Instant.parse(p.getProperty("now")) : DEFAULT_NOW, ZoneOffset.UTC));
        if (p.containsKey("max-file-bytes")) {
            o = o.withMaxFileBytes(Long.parseLong(p.getProperty("max-file-bytes")));
        }
        if (p.containsKey("max-secret-age-days")) {
            o = o.withMaxSecretAgeDays(Integer.parseInt(p.getProperty("max-secret-age-days")));
        }
        return o;
    }

    static Path fixtures() {
        try {
            return Path.of(RuleFixturesTest.class.getResource("/rules").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> cases(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Copies a fixture tree, turning {@code dot_x} segments into {@code .x}. */
    static void layOut(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path target = to;
                for (Path part : from.relativize(p)) {
                    String name = part.toString();
                    target = target.resolve(name.startsWith("dot_") ? "." + name.substring(4) : name);
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
