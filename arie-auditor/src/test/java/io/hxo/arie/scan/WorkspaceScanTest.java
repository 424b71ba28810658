package io.hxo.arie.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.hxo.arie.rules.RuleSet;
import io.hxo.arie.rules.WorkspaceRules;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace rules over real directories: what they find, where, and what they leave alone. */
class WorkspaceScanTest {
    final Auditor auditor = Auditor.withBuiltinRules();

    static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Ordinary project files: nothing to report. */
    static void cleanProject(Path root) throws IOException {
        write(root, "src/main/java/App.java", """
                package app;

                public class App {
                    // the key comes from the environment, never from the source
                    static final String API_KEY = System.getenv("API_KEY");
                }
                """);
        write(root, "src/main/resources/application.properties", """
                kafka.hxo.seed-secret=${SEED_SECRET:}
                quarkus.datasource.password=${DB_PASSWORD}
                """);
        write(root, "README.md", "# App\n\nCopy .env.example to .env and never commit a private key.\n");
        write(root, ".env.example", "SEED_SECRET=\nSECRET_KEY=\n");
        write(root, "docs/guide.md", "# Operating the app\n\nRun it.\n");
        write(root, "docs/faq.md", "# FAQ\n\nNothing yet.\n");
        Files.write(root.resolve("docs/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 'A', 'K'});
    }

    @Test
    void plantedWorkspaceReportsExactlyTheKeyTheAwsKeyTheEnvFileAndTheCopy(@TempDir Path root) throws IOException {
        cleanProject(root);
        write(root, "deploy/keys/server.pem", """
                # staging key, to be rotated
                -----BEGIN RSA PRIVATE KEY-----
                ThisIsAFixtureForArieNotARealKeyThisIsAFixtureForArieNotARealKey
                -----END RSA PRIVATE KEY-----
                """);
        write(root, "config/aws.properties", "region=eu-west-1\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\n");
        write(root, ".env", "HXO_ZERO_TRUST=true\nHXO_CONSENSUS_MODE=HARMONIC\n");
        write(root, "release/guide.md", "# Operating the app\n\nRun it.\n"); // same as docs/guide.md

        ScanResult result = auditor.scanWorkspace(root);

        assertThat(result.findings())
                .extracting(Finding::ruleId, f -> f.location().file(), f -> f.location().line())
                .containsExactlyInAnyOrder(
                        tuple(WorkspaceRules.PRIVATE_KEY, "deploy/keys/server.pem", 2),
                        tuple(WorkspaceRules.AWS_ACCESS_KEY, "config/aws.properties", 2),
                        tuple(WorkspaceRules.ENV_FILE, ".env", 1),
                        tuple(WorkspaceRules.DUPLICATE_FILE, "release/guide.md", 1));
        Finding copy = result.findings().stream()
                .filter(f -> f.ruleId().equals(WorkspaceRules.DUPLICATE_FILE)).findFirst().orElseThrow();
        assertThat(copy.related().file()).isEqualTo("docs/guide.md");
        assertThat(copy.message()).contains("docs/guide.md");
        assertThat(result.findings()).extracting(Finding::message)
                .noneMatch(m -> m.contains("AKIAIOSFODNN7EXAMPLE"))
                .anyMatch(m -> m.contains("AKIA...MPLE"));
        assertThat(result.stats().files()).isEqualTo(11);
        assertThat(result.stats().binaryFiles()).isEqualTo(1);
    }

    @Test
    void cleanWorkspaceReportsNothing(@TempDir Path root) throws IOException {
        cleanProject(root);
        assertThat(auditor.scanWorkspace(root).findings()).isEmpty();
    }

    @Test
    void aRescanGivesTheSameFingerprintsAndInsertedLinesDoNotChangeThem(@TempDir Path root) throws IOException {
        write(root, "app/settings.py", "API_KEY = \"q8Zt4LmW9xR2vB7nK3pD5sF1\"\n");
        write(root, "ops/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n");
        List<String> first = fingerprints(auditor.scanWorkspace(root));
        assertThat(fingerprints(auditor.scanWorkspace(root))).containsExactlyElementsOf(first).hasSize(2);

        write(root, "app/settings.py", "# settings\nDEBUG = False\n\nAPI_KEY = \"q8Zt4LmW9xR2vB7nK3pD5sF1\"\n");
        ScanResult shifted = auditor.scanWorkspace(root);
        assertThat(shifted.findings()).extracting(f -> f.location().line()).contains(4);
        assertThat(fingerprints(shifted)).containsExactlyInAnyOrderElementsOf(first);

        write(root, "app/settings.py", "API_KEY = \"Zr7Kq2Wn8Lp4Xv9Tb3Ms6Hd1\"\n"); // a different secret: a new finding
        assertThat(fingerprints(auditor.scanWorkspace(root))).hasSize(2).isNotEqualTo(first);
    }

    @Test
    void theSameSecretTwiceInAFileGivesTwoFindingsWithDistinctFingerprints(@TempDir Path root) throws IOException {
        write(root, "a.txt", "AKIAIOSFODNN7EXAMPLE\nagain: AKIAIOSFODNN7EXAMPLE\n");
        assertThat(auditor.scanWorkspace(root).findings()).extracting(Finding::fingerprint).hasSize(2)
                .doesNotHaveDuplicates();
    }

    @Test
    void aSpecificRuleWinsOverTheGenericSecretRuleOnTheSameLine(@TempDir Path root) throws IOException {
        write(root, "creds", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\napi_token = \"q8Zt4LmW9xR2vB7nK3pD5sF1\"\n");
        assertThat(auditor.scanWorkspace(root).findings()).extracting(Finding::ruleId, f -> f.location().line())
                .containsExactly(tuple(WorkspaceRules.AWS_ACCESS_KEY, 1), tuple(WorkspaceRules.SECRET_ASSIGNMENT, 2));
    }

    @Test
    void theScanNeverWritesEvenOnAReadOnlyTree(@TempDir Path root) throws IOException {
        cleanProject(root);
        write(root, ".env", "A=1\n");
        write(root, "k.pem", "-----BEGIN PRIVATE KEY-----\n");
        Map<String, String> before = snapshot(root);
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> p.toFile().setWritable(false));
        }
        try {
            assertThat(auditor.scanWorkspace(root).findings()).hasSize(2);
        } finally {
            try (Stream<Path> s = Files.walk(root)) {
                s.forEach(p -> p.toFile().setWritable(true));
            }
        }
        assertThat(snapshot(root)).isEqualTo(before);
    }

    @Test
    void binaryFilesExcludedDirectoriesAndSymlinksAreNotSearched(@TempDir Path root, @TempDir Path outside)
            throws IOException {
        byte[] binary = "\0\0AKIAIOSFODNN7EXAMPLE".getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("blob.bin"), binary);
        write(root, ".git/config", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
        write(outside, "secret.txt", "AKIAIOSFODNN7EXAMPLE\n");
        Files.createSymbolicLink(root.resolve("linked"), outside);
        Files.createSymbolicLink(root.resolve("linked.txt"), outside.resolve("secret.txt"));

        ScanResult result = auditor.scanWorkspace(root);

        assertThat(result.findings()).isEmpty();
        assertThat(result.stats().files()).isEqualTo(1);
        assertThat(result.stats().binaryFiles()).isEqualTo(1);
    }

    @Test
    void contentIsSearchedUpToTheReadBoundButDuplicatesHashWholeFiles(@TempDir Path root) throws IOException {
        String padding = "x".repeat(100) + "\n";
        write(root, "big-1.log", padding.repeat(20) + "AKIAIOSFODNN7EXAMPLE\n");
        write(root, "big-2.log", padding.repeat(20) + "AKIAIOSFODNN7EXAMPLE\n");
        Auditor bounded = new Auditor(RuleSet.builtin(), ScanOptions.defaults().withMaxReadBytes(1024));

        assertThat(bounded.scanWorkspace(root).findings()).extracting(Finding::ruleId, f -> f.location().file())
                .containsExactly(tuple(WorkspaceRules.DUPLICATE_FILE, "big-2.log"));
    }

    @Test
    void everyCopyAfterTheFirstIsReportedAndEmptyFilesAreNotCopies(@TempDir Path root) throws IOException {
        for (String p : List.of("b/notes.txt", "a/notes.txt", "c/notes.txt")) {
            write(root, p, "same\n");
        }
        write(root, "empty-1", "");
        write(root, "empty-2", "");
        assertThat(auditor.scanWorkspace(root).findings())
                .extracting(f -> f.location().file(), f -> f.related().file())
                .containsExactly(tuple("b/notes.txt", "a/notes.txt"), tuple("c/notes.txt", "a/notes.txt"));
    }

    @Test
    void oversizedFollowsTheConfiguredLimit(@TempDir Path root) throws IOException {
        write(root, "data.csv", "a,b\n".repeat(100));
        assertThat(auditor.scanWorkspace(root).findings()).isEmpty();
        Auditor strict = new Auditor(RuleSet.builtin(), ScanOptions.defaults().withMaxFileBytes(100));
        assertThat(strict.scanWorkspace(root).findings()).extracting(Finding::ruleId, Finding::message)
                .containsExactly(tuple(WorkspaceRules.OVERSIZED_FILE, "data.csv is 400 B, over the 100 B limit."));
    }

    @Test
    void aFileIsNotAWorkspace(@TempDir Path root) throws IOException {
        write(root, "f", "x");
        assertThatThrownBy(() -> auditor.scanWorkspace(root.resolve("f"))).isInstanceOf(NotDirectoryException.class);
    }

    static List<String> fingerprints(ScanResult r) {
        return r.findings().stream().map(Finding::fingerprint).toList();
    }

    /** Path → content hash and modification time of every file. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Hex.of(HashAlg.SHA_256.hash(Files.readAllBytes(p))) + "@"
                        + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
