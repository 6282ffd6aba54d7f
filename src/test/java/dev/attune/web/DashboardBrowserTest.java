package dev.attune.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.Chromium;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * asserting what is drawn: texts, and pixels on the charts' canvases. Skipped only where
 * {@code /usr/bin/chromium} is missing; {@code .ci/run} installs it. Each view's screenshot goes to
 * {@code target/screenshots}, and to {@code docs/screenshots} with {@code -Dattune.screenshots=docs/screenshots}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:browser;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000",
            "attune.stream.poll-ms=200"
        })
class DashboardBrowserTest {
    private static Chromium chromium;
    private static WebDriver driver;
    private static String study;
    private static int reports;

    @LocalServerPort
    int port;

    Api api;

    @BeforeAll
    static void browser() throws IOException {
        chromium = Chromium.start();
        driver = chromium.driver();
    }

    @AfterAll
    static void close() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void study() {
        api = new Api(port);
        if (study == null) {
            study = api.createStudy(DashboardApiSuite.ashaStudy("browser-asha", 15));
            reports = DashboardApiSuite.runAsha(api, study);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /**
     * A wait that looks again when the dashboard re-rendered an element between finding and reading it
     * (a live update can replace it at any moment).
     */
    private WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private WebElement await(By by) {
        return waitUpTo(15).until(d -> d.findElement(by));
    }

    private void awaitText(By by, String text) {
        waitUpTo(15).until(d -> d.findElements(by).stream()
                .anyMatch(e -> e.getText().equals(text)));
    }

    /** Pixels of the chart's canvas that are drawn (not transparent), and those in ECharts' STOP red. */
    private long[] pixels(String chartSelector) {
        waitUpTo(15).until(d -> !d.findElements(By.cssSelector(chartSelector + " canvas"))
                .isEmpty());
        Object r = ((JavascriptExecutor) driver)
                .executeScript(
                        "const c = document.querySelector(arguments[0] + ' canvas');"
                                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                                + "let drawn = 0, red = 0;"
                                + "for (let i = 0; i < d.length; i += 4) {"
                                + "  if (d[i + 3] > 0) drawn++;"
                                + "  if (d[i + 3] > 200 && d[i] > 170 && d[i + 1] < 90 && d[i + 2] < 90) red++;"
                                + "}"
                                + "return [drawn, red];",
                        chartSelector);
        List<?> l = (List<?>) r;
        return new long[] {((Number) l.get(0)).longValue(), ((Number) l.get(1)).longValue()};
    }

    private void screenshot(String name) throws IOException {
        // Let ECharts finish its frame before the picture.
        ((JavascriptExecutor) driver)
                .executeAsyncScript("const done = arguments[0]; requestAnimationFrame(() => setTimeout(done, 300));");
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target/screenshots/" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("attune.screenshots");
        if (docs != null) {
            Files.createDirectories(Path.of(docs));
            Files.copy(shot.toPath(), Path.of(docs, name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void listShowsTheStudyWithItsCounts() throws IOException {
        driver.get(url("/"));
        WebElement row = await(By.cssSelector("tr[data-study='" + study + "']"));
        assertThat(row.getText()).contains("browser-asha", "ASHA", "DONE");
        assertThat(row.findElement(By.cssSelector("td.trials")).getText()).isEqualTo("15");
        driver.findElement(By.id("search")).sendKeys("no-such-study");
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("tr[data-study='" + study + "']"))
                .isEmpty());
        driver.get(url("/"));
        await(By.cssSelector("tr[data-study='" + study + "']"));
        screenshot("studies");
    }

    @Test
    void studyPageShowsNameCountAndBestAndDrawsTheCharts() throws IOException {
        double best = ((Number) api.get("/api/v1/studies/" + study + "/best").get("trial.metrics.loss")).doubleValue();
        driver.get(url("/studies/" + study));
        awaitText(By.id("study-name"), "browser-asha");
        awaitText(By.id("trial-count"), "15");
        double shown = Double.parseDouble(await(By.id("best-value")).getText());
        assertThat(shown).isCloseTo(best, org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(pixels("#chart-best-trials")[0]).isGreaterThan(1000);
        assertThat(pixels("#chart-best-time")[0]).isGreaterThan(1000);
        assertThat(await(By.id("best-config")).getText()).contains("\"x\"");
        screenshot("study-overview");
    }

    @Test
    void aTrialAddedThroughTheApiAppearsWithoutAReload() {
        String live = api.createStudy(DashboardApiSuite.ashaStudy("browser-live", 100));
        api.post(
                "/api/v1/studies/" + live + "/trials",
                Map.of("config", Map.of("x", 0.5, "act", "relu"), "metrics", Map.of("loss", 0.9)));
        driver.get(url("/studies/" + live));
        awaitText(By.id("trial-count"), "1");
        ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true;");
        long t0 = System.nanoTime();
        String second = api.post(
                        "/api/v1/studies/" + live + "/trials",
                        Map.of("config", Map.of("x", 0.3, "act", "tanh"), "metrics", Map.of("loss", 0.25)))
                .get("id")
                .toString();
        waitUpTo(5)
                .until(d -> d.findElement(By.id("trial-count")).getText().equals("2")
                        && d.findElement(By.id("best-value")).getText().equals("0.25"));
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5.0);
        assertThat(((JavascriptExecutor) driver).executeScript("return window.__sameDocument === true;"))
                .isEqualTo(true);
        // The best-so-far chart took the new trial from the event itself, without re-reading /series/best.
        waitUpTo(5)
                .until(d ->
                        second.equals(d.findElement(By.id("chart-best-trials")).getAttribute("data-best-trial")));
        assertThat(driver.findElement(By.id("chart-best-trials")).getAttribute("data-best"))
                .isEqualTo("0.25");
        assertThat(Integer.parseInt(driver.findElement(By.id("view")).getAttribute("data-deltas")))
                .isPositive();
        assertThat(driver.findElement(By.id("view")).getAttribute("data-reloads"))
                .isEqualTo("0");

        // The trials table, newest first: a new trial's row goes on top from its events alone.
        driver.get(url("/studies/" + live + "/trials"));
        await(By.cssSelector("#trials tbody tr[data-trial='" + second + "']"));
        String third = api.post(
                        "/api/v1/studies/" + live + "/trials",
                        Map.of("config", Map.of("x", 0.7, "act", "relu"), "metrics", Map.of("loss", 0.16)))
                .get("id")
                .toString();
        By top = By.cssSelector("#trials tbody tr:first-child[data-trial='" + third + "']");
        waitUpTo(5).until(d -> d.findElement(top).getText().contains("COMPLETED"));
        assertThat(driver.findElement(top).getText()).contains("0.16");
        assertThat(driver.findElement(By.id("page")).getText()).isEqualTo("1–3 of 3");
        assertThat(driver.findElement(By.id("view")).getAttribute("data-reloads"))
                .isEqualTo("0");
    }

    /** Clicks the trial detail's action button, accepts its confirmation, and waits for the reloaded view. */
    private void operate(String action, String statusAfter) {
        WebElement button = await(By.cssSelector("#trial-actions button[data-action='" + action + "']"));
        button.click();
        waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
        // The action's POST answered before the page reloads: the old button goes stale.
        waitUpTo(5).until(ExpectedConditions.stalenessOf(button));
        awaitText(By.id("trial-status"), statusAfter);
    }

    @Test
    void aTrialIsPausedAndResumedFromItsDetailPage() {
        String live = api.createStudy(DashboardApiSuite.ashaStudy("browser-operate", 100));
        Api.Response ask = api.post("/api/v1/studies/" + live + "/ask", Map.of("workerId", "w"));
        String id = ask.get("trial.id").toString();
        String trial = "/api/v1/studies/" + live + "/trials/" + id;
        driver.get(url("/studies/" + live + "/trials/" + id));
        awaitText(By.id("trial-status"), "RUNNING");
        assertThat(driver.findElements(By.cssSelector("#trial-actions button")))
                .extracting(e -> e.getAttribute("data-action"))
                .containsExactly("stop", "pause");

        operate("pause", "RUNNING");
        Api.Response report = api.post(trial + "/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.5)));
        assertThat(report.string("decision")).isEqualTo("PAUSE");
        assertThat(api.get(trial).string("status")).isEqualTo("PAUSED");

        driver.get(url("/studies/" + live + "/trials/" + id));
        awaitText(By.id("trial-status"), "PAUSED");
        assertThat(driver.findElements(By.cssSelector("#trial-actions button")))
                .extracting(e -> e.getAttribute("data-action"))
                .containsExactly("resume", "stop");
        operate("resume", "PAUSED");
        Api.Response next = api.post("/api/v1/studies/" + live + "/ask", Map.of("workerId", "w2"));
        assertThat(next.string("status")).isEqualTo("RUN");
        assertThat(next.get("trial.id").toString()).isEqualTo(id);

        // A refusal shows the API's problem+json detail: pausing a trial that has completed meanwhile is a 409.
        driver.get(url("/studies/" + live + "/trials/" + id));
        awaitText(By.id("trial-status"), "RUNNING");
        api.post(trial + "/reports", Map.of("metrics", Map.of("epoch", 2, "loss", 0.4)));
        api.post(trial + "/complete", Map.of());
        assertThat(api.get(trial).string("status")).isEqualTo("COMPLETED");
        await(By.cssSelector("#trial-actions button[data-action='pause']")).click();
        waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
        var refusal = waitUpTo(5).until(ExpectedConditions.alertIsPresent());
        assertThat(refusal.getText()).startsWith("Could not pause trial " + id + ": 409");
        refusal.accept();
    }

    @Test
    void stoppedTrialsCurvesCarryTheirDecisionMarkers() throws IOException {
        driver.get(url("/studies/" + study + "/curves"));
        WebElement chart = await(By.cssSelector("#chart-curves[data-markers]"));
        long stopped =
                ((Number) api.get("/api/v1/studies/" + study + "/summary").get("trialCounts.STOPPED")).longValue();
        assertThat(Long.parseLong(chart.getAttribute("data-markers"))).isEqualTo(stopped);
        long[] px = pixels("#chart-curves");
        assertThat(px[0]).isGreaterThan(1000);
        assertThat(px[1]).as("red STOP markers on the canvas").isGreaterThan(50);
        // An early stop's reason is listed with its rung.
        String decisions = await(By.id("decisions")).getText();
        assertThat(decisions).contains("STOP").contains("rung 1: below the cutoff");
        screenshot("study-curves");
    }

    @Test
    void exportDownloadsOneRowPerReport() {
        driver.get(url("/studies/" + study));
        WebElement link = await(By.linkText("Export CSV"));
        Object text = ((JavascriptExecutor) driver)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('error ' + e));",
                        link.getAttribute("href"));
        String[] lines = ((String) text).strip().split("\n");
        assertThat(lines[0]).startsWith("trial_id,config_x,");
        assertThat(lines).hasSize(reports + 1);
    }

    @Test
    void otherViewsDraw() throws IOException {
        driver.get(url("/studies/" + study + "/params"));
        assertThat(pixels("#chart-parallel")[0]).isGreaterThan(1000);
        assertThat(pixels("#chart-importance")[0]).isGreaterThan(500);
        assertThat(pixels("#slice-0")[0]).isGreaterThan(500);

        driver.get(url("/studies/" + study + "/trials"));
        waitUpTo(15)
                .until(d -> d.findElements(By.cssSelector("#trials tbody tr[data-trial]"))
                                .size()
                        == 15);
        driver.findElement(By.cssSelector("th[data-sort='value']")).click();
        waitUpTo(10).until(d -> d.findElement(By.cssSelector("th[data-sort='value']"))
                .getText()
                .endsWith("▼"));
        screenshot("study-trials");

        long best = ((Number) api.get("/api/v1/studies/" + study + "/summary").get("bestTrialId")).longValue();
        driver.get(url("/studies/" + study + "/trials/" + best));
        await(By.cssSelector("#chart-trial[data-markers]"));
        assertThat(driver.findElement(By.id("reports")).getText()).contains("STOP");
        assertThat(driver.findElement(By.id("events")).getText()).contains("TRIAL_ADDED", "REPORT");
        assertThat(pixels("#chart-trial")[0]).isGreaterThan(500);
        screenshot("trial-detail");

        driver.get(url("/studies/" + study + "/workers"));
        assertThat(pixels("#chart-workers")[0]).isGreaterThan(500);
        screenshot("study-workers");

        driver.get(url("/studies/" + study + "/whatif"));
        await(By.id("w-run")).click();
        WebElement saved = await(By.id("w-saved"));
        assertThat(saved.getText()).endsWith("%");
        screenshot("study-whatif");
    }

    @Test
    void parameterImportanceNamesItsMethodAndTheTrialsItUsed() throws IOException {
        String s = api.createStudy(DashboardApiSuite.ashaStudy("browser-importance", 100));
        java.util.SplittableRandom random = new java.util.SplittableRandom(5); // seeded: a fixed outcome
        for (int i = 0; i < 40; i++) {
            double x = random.nextDouble();
            api.post(
                    "/api/v1/studies/" + s + "/trials",
                    Map.of(
                            "config", Map.of("x", x, "act", random.nextBoolean() ? "relu" : "tanh"),
                            "metrics", Map.of("loss", (x - 0.3) * (x - 0.3))));
        }
        Api.Response imp = api.get("/api/v1/studies/" + s + "/importance");
        assertThat(imp.string("method")).isEqualTo("fANOVA");
        assertThat(imp.string("params.0.name")).isEqualTo("x");
        driver.get(url("/studies/" + s + "/params"));
        awaitText(By.id("importance-note"), "fANOVA, 40 completed trials");
        assertThat(driver.findElement(By.id("importance-method")).getText())
                .startsWith("fANOVA (Hutter et al., 2014): a random forest of " + imp.get("trees") + " trees");
        assertThat(pixels("#chart-importance")[0])
                .as("a bar across most of the chart")
                .isGreaterThan(15000);
        assertThat(pixels("#chart-parallel")[0]).isGreaterThan(1000);
        screenshot("study-params");
    }

    @Test
    void aStudyWithTwoMetricsDrawsItsParetoFrontAndHypervolume() throws IOException {
        Map<String, Object> d = DashboardApiSuite.ashaStudy("browser-pareto", 20);
        d.put("method", "MOASHA");
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min"), Map.of("name", "acc", "mode", "max")));
        String mo = api.createStudy(d);
        // (loss, acc): four on the front (better loss means worse acc) and two dominated ones.
        double[][] points = {{1, 1}, {2, 3}, {3, 5}, {4, 6}, {3, 2}, {5, 5}};
        for (double[] p : points) {
            api.post(
                    "/api/v1/studies/" + mo + "/trials",
                    Map.of(
                            "config", Map.of("x", p[0] / 10, "act", "relu"),
                            "metrics", Map.of("loss", p[0], "acc", p[1], "epoch", 9)));
        }
        driver.get(url("/studies/" + mo));
        await(By.cssSelector("nav.tabs a[href$='/pareto']")).click();
        awaitText(By.id("front-size"), "4 of 6 completed trials");
        waitUpTo(15)
                .until(x -> x.findElements(By.cssSelector("#front tbody tr[data-trial]"))
                                .size()
                        == 4);
        double hv = ((Number) api.get("/api/v1/studies/" + mo + "/hypervolume").get("hypervolume")).doubleValue();
        assertThat(hv).isPositive();
        double shown = Double.parseDouble(
                driver.findElement(By.id("hv-value")).getText().replace(",", ""));
        assertThat(shown).isCloseTo(hv, org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(pixels("#chart-pareto")[1]).as("the front is drawn in red").isGreaterThan(50);
        assertThat(pixels("#chart-hypervolume")[0]).isGreaterThan(500);
        screenshot("study-pareto");
    }
}
