package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops console in a real browser (Debian's headless Chromium driven by chromedriver) against the
 * running suite: sign-in, a plan's live progress and certificate, a shard's inclusion proof checked
 * in the page (and a tampered one refused), a live alert, what a captain does not see, and that
 * the page talks to nothing but the gateway. Each test leaves a screenshot in target/console-screenshots.
 */
@Order(50) // before LauncherSystemTest, which stops the suite
@ExtendWith(Suite.class)
class ConsoleBrowserSystemTest {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HXO_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("HXO_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path SHOTS = Path.of("target/console-screenshots");
    static final String ORIGIN = "http://127.0.0.1:" + Suite.GATEWAY;
    static final String ADMIRAL = "Bearer " + Suite.ADMIRAL;

    ChromeDriver driver;
    WebDriverWait wait;
    String testName;

    @BeforeEach
    void browser(TestInfo info) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does it)");
        testName = info.getTestMethod().orElseThrow().getName();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class); // the page re-renders parts of itself live
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void noRequestLeftTheGatewaysOrigin() throws Exception {
        if (driver == null) {
            return;
        }
        try {
            screenshot(testName);
            List<String> urls = new ArrayList<>();
            for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
                JsonNode message = Json.tree(entry.getMessage().getBytes(StandardCharsets.UTF_8)).path("message");
                if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                    urls.add(message.path("params").path("request").path("url").asText());
                }
            }
            Object entries = driver.executeScript(
                    "return performance.getEntries().map(e => e.name).filter(n => /^[a-z]+:/.test(n))");
            for (Object name : (List<?>) entries) {
                urls.add(String.valueOf(name));
            }
            assertThat(urls).as("the page made requests").isNotEmpty();
            assertThat(urls).as("every request of the page goes to the gateway's origin")
                    .allSatisfy(u -> assertThat(u).satisfiesAnyOf(
                            x -> assertThat(x).startsWith(ORIGIN + "/"),
                            x -> assertThat(x).startsWith("data:")));
        } finally {
            driver.quit();
        }
    }

    @Test
    void aBadTokenShowsAClearMessage() {
        driver.get(ORIGIN + "/");
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(driver.switchTo().activeElement()).as("the token field has the focus").isEqualTo(token);
        token.sendKeys("not-the-right-token-0123456789", Keys.ENTER); // keyboard only
        WebElement error = wait.until(d -> {
            WebElement e = d.findElement(By.id("signin-error"));
            return e.getText().isBlank() ? null : e;
        });
        assertThat(error.getText()).contains("did not accept this token").contains("401");
        assertThat(driver.findElements(By.id("plans"))).as("no console without a good token").isEmpty();
        assertThat(storedToken()).as("a refused token is not kept").isNull();
    }

    @Test
    void aCaptainSeesNoAdmiralButtons() throws Exception {
        String planId = submit("console-captain", 20);
        signIn(Suite.CAPTAIN);
        assertThat(driver.findElement(By.id("role")).getText()).isEqualTo("captain");
        assertThat(storedToken()).as("the token lives in session storage").isEqualTo(Suite.CAPTAIN);
        assertThat((Object) driver.executeScript("return localStorage.length")).isEqualTo(0L);
        wait.until(d -> !d.findElements(By.cssSelector("#rollback-body p, #rollback-body ul")).isEmpty());
        driver.get(ORIGIN + "/#/plans/" + planId);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan-title")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("merkle-root")));
        assertThat(driver.findElements(By.cssSelector(".admiral-action"))).isEmpty();
        assertThat(driver.findElements(By.id("abort"))).isEmpty();
        assertThat(driver.findElements(By.id("replay"))).isEmpty();
        // ...which an admiral does see on the same page.
        driver.executeScript("sessionStorage.clear()");
        signIn(Suite.ADMIRAL);
        driver.get(ORIGIN + "/#/plans/" + planId);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("abort")));
        assertThat(driver.findElements(By.id("replay"))).hasSize(1);
    }

    @Test
    void aPlanProgressesLiveToItsCertificateAndAShardProofIsCheckedInThePage() throws Exception {
        signIn(Suite.ADMIRAL);
        driver.executeScript("window.__sameDocument = 'yes'");
        String planId = submit("console-live", 300);

        // Its row appears and fills up from the live stream, without a reload.
        By row = By.cssSelector("tr[data-plan='" + planId + "']");
        wait.until(ExpectedConditions.presenceOfElementLocated(row));
        String rowCss = "tr[data-plan='" + planId + "']";
        wait.until(d -> "100".equals(attribute(rowCss + " [role=progressbar]", "data-pct"))
                && "certified".equals(attribute(rowCss, "data-status")));
        assertThat((Object) driver.executeScript("return window.__sameDocument")).isEqualTo("yes");
        screenshot(testName + "-plans");

        driver.findElement(row).findElement(By.cssSelector("a.plan-link")).click();
        WebElement outcome = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("certificate-outcome")));
        assertThat(outcome.getAttribute("data-outcome")).isEqualTo("certified");
        assertThat(driver.findElements(By.cssSelector("#votes-table tbody tr"))).hasSize(3);
        assertThat(driver.findElements(By.cssSelector("svg.dag g.dag-node"))).hasSize(2);
        assertThat(driver.findElements(By.cssSelector("svg.dag path.dag-edge"))).hasSize(1);
        JsonNode status = json(Suite.get("/api/hxo/status/" + planId, ADMIRAL));
        assertThat(driver.findElement(By.id("merkle-root")).getText()).isEqualTo(status.path("merkle_root").asText());
        assertThat(driver.findElements(By.id("abort"))).as("an admiral sees the actions").hasSize(1);

        // Verify a shard: the console saw its leaves go by on the stream and offers one.
        WebElement cas = driver.findElement(By.id("cas-id"));
        wait.until(d -> cas.getAttribute("value").matches("[0-9a-f]{64}"));
        driver.findElement(By.id("fetch-proof")).click();
        WebElement verdict = driver.findElement(By.id("proof-result"));
        wait.until(d -> !"pending".equals(verdict.getAttribute("data-verdict")) && verdict.getAttribute("data-verdict") != null);
        assertThat(verdict.getAttribute("data-verdict")).as(verdict.getText()).isEqualTo("verified");
        String proofText = driver.findElement(By.id("proof-json")).getAttribute("value");
        InclusionProof proof = Json.mapper().readValue(proofText, InclusionProof.class);
        assertThat(proof.verify()).as("contracts agrees with the page").isTrue();
        assertThat(proof.hashAlg()).isEqualTo("sha3-256");
        screenshot(testName + "-verified");

        // Tamper: one hex digit of the output digest changed. The page refuses it, and so does contracts.
        String digest = proof.outputDigest();
        String tamperedDigest = (digest.charAt(0) == '0' ? "1" : "0") + digest.substring(1);
        String tampered = proofText.replace(digest, tamperedDigest);
        setValue("proof-json", tampered);
        driver.findElement(By.id("verify-proof")).click();
        wait.until(d -> "rejected".equals(verdict.getAttribute("data-verdict")));
        assertThat(verdict.getText()).contains("Rejected");
        assertThat(Json.mapper().readValue(tampered, InclusionProof.class).verify()).isFalse();

        // A self-consistent forgery: a made-up leaf whose "proof" is a one-leaf tree with its own root.
        byte[] forgedRoot = MerkleTree.leafHash(HashAlg.SHA3_256,
                Hex.parseHash(proof.casId()), Hex.parseHash(tamperedDigest));
        String forged = Json.mapper().writeValueAsString(new InclusionProof(planId, proof.casId(), tamperedDigest, 0, 1,
                "sha3-256", List.of(), Hex.of(forgedRoot)));
        setValue("proof-json", forged);
        driver.findElement(By.id("verify-proof")).click();
        wait.until(d -> verdict.getText().contains("plan's root"));
        assertThat(verdict.getAttribute("data-verdict")).isEqualTo("rejected");

        // The untouched proof verifies again.
        setValue("proof-json", proofText);
        driver.findElement(By.id("verify-proof")).click();
        wait.until(d -> "verified".equals(verdict.getAttribute("data-verdict")));
    }

    @Test
    void anAdmiralAbortsARunningPlanOnlyAfterConfirming() throws Exception {
        // 200 shards of 200 ms, two at a time: about 20 s of work, time enough to abort it.
        String plan = """
                {"name": "console-abort", "constraints": {"max_concurrency": 2, "dispatch_window": 2}, "stages": [
                  {"id": "slow", "kind": "test.sleep", "config": {"count": 200, "min_ms": 200, "max_ms": 200, "salt": "%s"}}]}
                """.formatted(UUID.randomUUID());
        HttpResponse<String> submitted = Suite.post("/api/hxo/create-and-submit", ADMIRAL, plan);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String planId = json(submitted).path("plan_id").asText();
        signIn(Suite.ADMIRAL);
        driver.get(ORIGIN + "/#/plans/" + planId);
        WebElement abort = wait.until(ExpectedConditions.elementToBeClickable(By.id("abort")));

        abort.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(driver.findElement(By.id("confirm-text")).getText()).contains("console-abort");
        driver.switchTo().activeElement().sendKeys(Keys.ESCAPE); // the keyboard's way out: nothing happens
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
        assertThat(json(Suite.get("/api/hxo/status/" + planId, ADMIRAL)).path("status").asText()).isEqualTo("running");

        abort.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
        wait.until(d -> "aborted".equals(attribute("#plan-status [data-status]", "data-status")));
        assertThat(json(Suite.get("/api/hxo/status/" + planId, ADMIRAL)).path("status").asText()).isEqualTo("aborted");
        wait.until(d -> d.findElement(By.id("replay")).isEnabled()); // an aborted plan can be replayed
        assertThat(abort.isEnabled()).isFalse();
    }

    @Test
    void theConsolesSha3MatchesTheJdksAndFips202Vectors() {
        driver.get(ORIGIN + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        // FIPS 202 / NIST examples, then random lengths around the 136-byte rate, checked against Java.
        Map<String, String> vectors = Map.of(
                "", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
                "616263", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
                "a3".repeat(200), "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");
        List<String> inputs = new ArrayList<>(vectors.keySet());
        Random random = new Random(42);
        for (int len : new int[] {1, 31, 64, 135, 136, 137, 271, 272, 273, 1000}) {
            byte[] b = new byte[len];
            random.nextBytes(b);
            inputs.add(Hex.of(b));
        }
        @SuppressWarnings("unchecked")
        List<String> got = (List<String>) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                Promise.all([import('/assets/sha3.js'), import('/assets/merkle.js')]).then(([s, m]) =>
                    done(arguments[0].map(h => m.bytesToHex(s.sha3_256(m.hexToBytes(h))))))
                  .catch(e => done(['error ' + e]));
                """, inputs);
        for (int i = 0; i < inputs.size(); i++) {
            String expected = Hex.of(HashAlg.SHA3_256.hash(Hex.parse(inputs.get(i))));
            assertThat(got.get(i)).as("SHA3-256 of %d bytes", inputs.get(i).length() / 2).isEqualTo(expected);
            if (vectors.containsKey(inputs.get(i))) {
                assertThat(got.get(i)).isEqualTo(vectors.get(inputs.get(i)));
            }
        }
    }

    @Test
    void thePagesProofCheckAgreesWithContractsForEveryLeafOfSmallTreesInBothHashes() throws Exception {
        driver.get(ORIGIN + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        Random random = new Random(7);
        List<InclusionProof> proofs = new ArrayList<>();
        for (HashAlg alg : HashAlg.values()) {
            for (int size = 1; size <= 9; size++) {
                List<byte[]> cas = new ArrayList<>();
                List<byte[]> out = new ArrayList<>();
                List<byte[]> leaves = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    byte[] c = new byte[32];
                    byte[] o = new byte[32];
                    random.nextBytes(c);
                    random.nextBytes(o);
                    cas.add(c);
                    out.add(o);
                    leaves.add(InclusionProof.leafData(c, o));
                }
                MerkleTree tree = MerkleTree.build(alg, leaves);
                for (int i = 0; i < size; i++) {
                    InclusionProof good = InclusionProof.of("p", tree, i, cas.get(i), out.get(i));
                    proofs.add(good);
                    // the same path claimed for another slot, and for a leaf with one digit changed
                    proofs.add(new InclusionProof("p", good.casId(), good.outputDigest(), size == 1 ? 1 : (i + 1) % size,
                            size, good.hashAlg(), good.auditPath(), good.merkleRoot()));
                    String d = good.outputDigest();
                    String changed = d.substring(0, 63) + (d.charAt(63) == 'a' ? "b" : "a");
                    proofs.add(new InclusionProof("p", good.casId(), changed, i, size, good.hashAlg(), good.auditPath(),
                            good.merkleRoot()));
                }
            }
        }
        String script = String.join("\n",
                "const done = arguments[arguments.length - 1];",
                "import('/assets/merkle.js').then(async (m) => {",
                "  const answers = [];",
                "  for (const p of JSON.parse(arguments[0])) { answers.push((await m.verifyProof(p)).ok); }",
                "  done(answers);",
                "}).catch(e => done(['error ' + e]));");
        @SuppressWarnings("unchecked")
        List<Object> got = (List<Object>) ((JavascriptExecutor) driver).executeAsyncScript(script, Json.text(proofs));
        List<Object> expected = new ArrayList<>(proofs.stream().map(InclusionProof::verify).toList());
        assertThat(got).isEqualTo(expected);
        assertThat(expected.stream().filter(Boolean.TRUE::equals).count()).as("every honest proof, 45 per hash")
                .isEqualTo(90);
    }

    @Test
    void aGuardianHaltAlertAppearsLiveAndTheStreamResumesAfterADrop() throws Exception {
        signIn(Suite.ADMIRAL);
        String first = "console halt " + UUID.randomUUID();
        publishHalt(first);
        wait.until(d -> alertShown(first) == 1);

        // The connection drops for a while; an alert stored meanwhile arrives once it has resumed.
        driver.executeScript("window.hxoConsole.stream.interrupt(8000)");
        wait.until(d -> !"live".equals(attribute("#stream-state", "data-state")));
        String second = "console halt after drop " + UUID.randomUUID();
        publishHalt(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> Suite.count(
                "SELECT count(*) FROM genesis.events WHERE topic = 'hxo.alert' AND data::text LIKE '%" + second + "%'") == 1);
        assertThat(alertShown(second)).as("not there while disconnected").isZero();
        wait.until(d -> alertShown(second) > 0);
        wait.until(d -> "live".equals(attribute("#stream-state", "data-state")));
        assertThat(alertShown(second)).as("shown once").isEqualTo(1);
        assertThat(alertShown(first)).as("the resume repeats nothing").isEqualTo(1);

        screenshot(testName + "-desktop");

        // Readable at phone width: nothing wider than the screen.
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1"));
        screenshot(testName + "-phone");
    }

    // ---- helpers

    private void signIn(String token) {
        driver.get(ORIGIN + "/");
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.sendKeys(token);
        driver.findElement(By.cssSelector("#signin button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("plans-body")));
        wait.until(d -> "live".equals(attribute("#stream-state", "data-state")));
    }

    /** An attribute read in one script: live updates replace elements, so a held WebElement may go stale. */
    private String attribute(String css, String name) {
        return (String) driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
    }

    private String storedToken() {
        return (String) driver.executeScript("return sessionStorage.getItem('hxo.console.token')");
    }

    private void setValue(String id, String value) {
        driver.executeScript("document.getElementById(arguments[0]).value = arguments[1]", id, value);
    }

    /** How many guardian.halt alerts in the feed carry the message (read in one script: the list re-renders live). */
    private long alertShown(String message) {
        return (Long) driver.executeScript("return Array.from(document.querySelectorAll("
                + "\"#alerts-list li[data-type='guardian.halt']\")).filter(li => li.textContent.includes(arguments[0])).length",
                message);
    }

    private static void publishHalt(String message) throws Exception {
        HttpResponse<String> r = Suite.post("/api/genesis/publish/hxo.alert", ADMIRAL, Json.mapper().writeValueAsString(
                Map.of("type", "guardian.halt", "severity", "critical", "service", "system-test", "message", message,
                        "details", Map.of("by", "ConsoleBrowserSystemTest"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    /** A two-stage plan (the second depends on the first) of no-op shards, submitted through the API. */
    private static String submit(String name, int count) throws Exception {
        String salt = UUID.randomUUID().toString();
        String plan = """
                {"name": "%s", "stages": [
                  {"id": "pack", "kind": "test.noop", "config": {"count": %d, "salt": "%s"}},
                  {"id": "index", "kind": "test.noop", "depends_on": ["pack"], "config": {"count": %d, "salt": "%s"}}]}
                """.formatted(name, count, salt, Math.max(1, count / 3), salt);
        HttpResponse<String> r = Suite.post("/api/hxo/create-and-submit", ADMIRAL, plan);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).path("plan_id").asText();
    }

    private static JsonNode json(HttpResponse<String> r) {
        return Json.tree(r.body().getBytes(StandardCharsets.UTF_8));
    }

    private void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
