package io.hxo.arie.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hxo.arie.integrity.PlannerClient;
import io.hxo.arie.rules.RuleSet;
import io.hxo.arie.scan.Auditor;
import io.hxo.arie.scan.Finding;
import io.hxo.arie.scan.ScanOptions;
import io.hxo.arie.scan.ScanResult;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A deployment's packed files scanned as a workspace, page by page as a planner stand-in serves them:
 * the same findings, with file and line, as the files would give on disk.
 */
class DeploymentArtifactsTest {
    static final String ROOT = "ab".repeat(32);
    final List<Integer> asked = new ArrayList<>();

    static Commands.DeploymentFile file(String path, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new Commands.DeploymentFile(path, bytes.length, Hex.of(HashAlg.SHA3_256.hash(bytes)),
                Base64.getEncoder().encodeToString(bytes), false);
    }

    /**
     * Two pages: a private key, an AWS-style key and a .env file; a duplicate across the pages; a large
     * file without content.
     */
    final List<List<Commands.DeploymentFile>> pages = List.of(
            List.of(file(".env", "DEBUG=true\n"),
                    file("conf/cloud.properties", "region=eu-west-1\n\nkey_id=AKIAQWERTYUIOPASDFGH\n"),
                    file("docs/guide.md", "How to release:\n1. tag\n2. push\n")),
            List.of(file("keys/id_rsa", "# deploy key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAx7v2\n"
                    + "-----END RSA PRIVATE KEY-----\n"),
                    new Commands.DeploymentFile("media/big.bin", 4_000_000, "cd".repeat(32), null, false),
                    file("release/guide.md", "How to release:\n1. tag\n2. push\n")));

    PlannerClient planner(Function<Integer, Reply> answer) {
        return new PlannerClient(null, io.hxo.arie.integrity.StandInConfig.withTimeout()) {
            @Override
            public Reply request(String type, String subject, Object data) {
                assertThat(type).isEqualTo(Commands.DEPLOYMENT_FILES);
                Commands.DeploymentFilesQuery q = (Commands.DeploymentFilesQuery) data;
                assertThat(q.manifestRoot()).isEqualTo(ROOT);
                asked.add(q.from());
                return answer.apply(q.from());
            }
        };
    }

    Reply servePages(Integer from) {
        int page = from == 0 ? 0 : 1;
        return Reply.ok(200, new Commands.DeploymentFiles("d-1", "p-1", ROOT, 6, pages.get(page), page == 0 ? 3 : null));
    }

    ScanResult scan(DeploymentArtifacts artifacts, String root) {
        return new Auditor(RuleSet.builtin(), ScanOptions.defaults()).scanPacked("deployment " + root,
                artifacts.pages(root));
    }

    @Test
    void thePackedFilesGiveTheirFindingsWithFileAndLine() {
        ScanResult result = scan(new DeploymentArtifacts(planner(this::servePages)), ROOT.toUpperCase());
        assertThat(asked).containsExactly(0, 3);
        Set<String> placed = result.findings().stream().filter(f -> f.location().file() != null)
                .map(f -> f.ruleId() + " " + f.location().file() + ":" + f.location().line()).collect(Collectors.toSet());
        assertThat(placed).containsExactlyInAnyOrder("HXO-WS-001 keys/id_rsa:2", "HXO-WS-002 conf/cloud.properties:3",
                "HXO-WS-004 .env:1", "HXO-WS-006 release/guide.md:1");
        assertThat(result.stats().files()).isEqualTo(6);
        assertThat(result.stats().unreadableFiles()).as("the file that came without its content").isEqualTo(1);
        assertThat(result.workspaceRoot()).isNull();
    }

    @Test
    void aCleanDeploymentGivesNoFindings() {
        List<Commands.DeploymentFile> clean = List.of(file("index.html", "<h1>hello</h1>\n"),
                file("static/app.js", "console.log('hello');\n"));
        ScanResult result = scan(new DeploymentArtifacts(planner(from -> Reply.ok(200,
                new Commands.DeploymentFiles("d-1", "p-1", ROOT, 2, clean, null)))), ROOT);
        assertThat(result.findings()).extracting(Finding::ruleId).isEmpty();
    }

    @Test
    void anUnknownDeploymentOrAPageThatDoesNotAdvanceFailsTheScanWithAReason() {
        DeploymentArtifacts unknown = new DeploymentArtifacts(planner(from -> Reply.problem(Problem.of(404,
                "deployment-not-found", "Deployment not found", "no deployment has the manifest root " + ROOT))));
        assertThatThrownBy(() -> scan(unknown, ROOT)).isInstanceOf(DeploymentArtifacts.Unavailable.class)
                .hasMessageContaining("no deployment has the manifest root");

        asked.clear();
        DeploymentArtifacts stuck = new DeploymentArtifacts(planner(from -> Reply.ok(200,
                new Commands.DeploymentFiles("d-1", "p-1", ROOT, 6, pages.get(0), 0))));
        assertThatThrownBy(() -> scan(stuck, ROOT)).isInstanceOf(DeploymentArtifacts.Unavailable.class)
                .hasMessageContaining("does not advance");
        assertThat(asked).containsExactly(0);
    }

    @Test
    void onlyAManifestRootIsAskedFor() {
        assertThat(DeploymentArtifacts.refuseRoot(null)).isEmpty();
        assertThat(DeploymentArtifacts.refuseRoot(ROOT.toUpperCase())).isEmpty();
        assertThat(DeploymentArtifacts.refuseRoot("../etc/passwd")).isPresent();
        assertThat(DeploymentArtifacts.refuseRoot("ab".repeat(31))).isPresent();
    }
}
