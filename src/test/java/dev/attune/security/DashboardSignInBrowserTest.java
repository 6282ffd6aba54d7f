package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.Chromium;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard with authentication on, in a real headless Chromium (as {@code DashboardBrowserTest}): it
 * asks for a token, sends it on every call, follows the study's event stream with it (the server ends each
 * stream after 3 s here, so the page's reconnect with {@code Last-Event-ID} is exercised too), exports with
 * it, and asks again when a token is refused.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:browserauth;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.stream.poll-ms=200",
            "attune.stream.max-seconds=3"
        })
class DashboardSignInBrowserTest {
    private static Chromium chromium;
    private static WebDriver driver;

    @LocalServerPort
    int port;

    Api admin;
    Api writer;
    String reader;

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
    void tokens() {
        admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "dash");
        writer = new Api(port, SecuredServer.token(admin, "dash", "writer").secret());
        reader = SecuredServer.token(admin, "dash", "reader").secret();
        // Every test starts signed out: the page keeps its token in the tab's sessionStorage.
        driver.get(url("/dashboard/app.css"));
        js("sessionStorage.clear();");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private WebElement await(By by) {
        return waitUpTo(15).until(d -> d.findElement(by));
    }

    /** A wait that tries again when the page re-renders an element between finding and reading it. */
    private WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private void awaitText(By by, String text) {
        waitUpTo(15).until(d -> d.findElements(by).stream()
                .anyMatch(e -> e.getText().equals(text)));
    }

    private void addTrial(String study, double x, double loss) {
        Api.Response r = writer.post(
                "/api/v1/studies/" + study + "/trials",
                Map.of("config", Map.of("x", x), "metrics", Map.of("loss", loss)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private void signIn(String token) {
        WebElement input = await(By.id("token"));
        input.clear();
        input.sendKeys(token);
        driver.findElement(By.cssSelector("#signin button[type=submit]")).click();
    }

    @Test
    void aReaderTokenShowsTheStudiesAndTheStudyFollowsItsStreamLive() {
        String study = writer.createStudy(SecuredServer.study("signed-in"));
        addTrial(study, 0.5, 0.9);

        driver.get(url("/"));
        await(By.id("signin"));
        assertThat(driver.findElement(By.id("signin-error")).getText()).isEmpty();
        assertThat(driver.findElements(By.cssSelector("tr[data-study]"))).isEmpty();
        assertThat(driver.findElement(By.id("signout")).isDisplayed()).isFalse();

        signIn(reader);
        // The list redraws its rows every 3 s: read a row's texts in one go, again if it was just replaced.
        String[] row = waitUpTo(15).until(d -> {
            WebElement r = d.findElement(By.cssSelector("tr[data-study='" + study + "']"));
            return new String[] {
                r.getText(), r.findElement(By.cssSelector("td.trials")).getText()
            };
        });
        assertThat(row[0]).contains("signed-in", "dash", "RandomSearch");
        assertThat(row[1]).isEqualTo("1");
        assertThat(driver.findElement(By.id("signout")).isDisplayed()).isTrue();
        assertThat(js("return sessionStorage.getItem('attune.token');")).isEqualTo(reader);

        // The study page (a new document: the token stays in the tab); then mark the drawn title, which only
        // a new render of the view would replace.
        driver.get(url("/studies/" + study));
        awaitText(By.id("study-name"), "signed-in");
        awaitText(By.id("trial-count"), "1");
        waitUpTo(10)
                .until(d -> d.findElement(By.id("live")).getAttribute("class").contains("on"));
        js("document.getElementById('study-name').dataset.same = 'yes';"
                + "window.__streams = [];"
                + "const f = window.fetch;"
                + "window.fetch = (u, o) => {"
                + "  if (String(u).includes('/stream')) window.__streams.push([String(u), (o && o.headers) || {}]);"
                + "  return f(u, o);"
                + "};");

        addTrial(study, 0.3, 0.25);
        waitUpTo(5)
                .until(d -> d.findElement(By.id("trial-count")).getText().equals("2")
                        && d.findElement(By.id("best-value")).getText().equals("0.25"));

        // The server ends the stream after 3 s; the page reconnects with the token and the last id it saw.
        waitUpTo(10).until(d -> js("return window.__streams.find(s => s[1]['Last-Event-ID']) || null;") != null);
        List<?> reconnect = (List<?>) js("return window.__streams.find(s => s[1]['Last-Event-ID']);");
        Map<?, ?> headers = (Map<?, ?>) reconnect.get(1);
        assertThat(headers.get("Authorization")).isEqualTo("Bearer " + reader);
        long lastSeq =
                ((Number) writer.get("/api/v1/studies/" + study + "/summary").get("lastSeq")).longValue();
        assertThat(Long.parseLong((String) headers.get("Last-Event-ID"))).isBetween(1L, lastSeq);
        addTrial(study, 0.7, 0.1);
        waitUpTo(5)
                .until(d -> d.findElement(By.id("trial-count")).getText().equals("3")
                        && d.findElement(By.id("best-value")).getText().equals("0.1"));
        assertThat(driver.findElement(By.id("study-name")).getAttribute("data-same"))
                .as("updated in place, not drawn again")
                .isEqualTo("yes");

        // Export: fetched with the token and saved through a Blob URL (the save itself is caught here).
        Object saved = ((JavascriptExecutor) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "const click = HTMLAnchorElement.prototype.click;"
                        + "HTMLAnchorElement.prototype.click = function () {"
                        + "  if (!this.href.startsWith('blob:')) return click.call(this);"
                        + "  HTMLAnchorElement.prototype.click = click;"
                        + "  const name = this.download;"
                        + "  fetch(this.href).then(r => r.text()).then(t => done([name, t]), e => done(['error', String(e)]));"
                        + "};"
                        + "[...document.querySelectorAll('a')].find(a => a.textContent === 'Export CSV').click();");
        List<?> file = (List<?>) saved;
        assertThat(file.get(0)).isEqualTo("study-" + study + ".csv");
        String[] lines = ((String) file.get(1)).strip().split("\n");
        assertThat(lines[0]).startsWith("trial_id,config_x,");
        assertThat(lines).hasSize(4);

        // Sign out: the token is gone and the form is back.
        driver.findElement(By.id("signout")).click();
        await(By.id("signin"));
        assertThat(js("return sessionStorage.getItem('attune.token');")).isNull();
        assertThat(driver.findElements(By.id("study-name"))).isEmpty();
    }

    @Test
    void aWrongTokenShowsTheFormAgainWithAnError() {
        String study = writer.createStudy(SecuredServer.study("not-for-strangers"));
        driver.get(url("/studies/" + study));
        await(By.id("signin"));
        signIn("att_not-a-token");
        // The form is drawn again once the token is refused: the first one goes stale on the way.
        waitUpTo(10).until(d -> d.findElement(By.id("signin-error")).getText().contains("refused"));
        assertThat(driver.findElement(By.id("signin-error")).getText()).contains("401");
        assertThat(driver.findElement(By.id("token")).isDisplayed()).isTrue();
        assertThat(driver.findElements(By.id("study-name"))).isEmpty();
        assertThat(js("return sessionStorage.getItem('attune.token');")).isNull();

        // The right token then opens the same address.
        signIn(reader);
        awaitText(By.id("study-name"), "not-for-strangers");
        awaitText(By.id("trial-count"), "0");
    }

    @Test
    void anotherProjectsStudyIsNotFoundAndAReaderMayNotStopOne() {
        String study = writer.createStudy(SecuredServer.study("elsewhere"));
        SecuredServer.project(admin, "other");
        String stranger = SecuredServer.token(admin, "other", "reader").secret();
        driver.get(url("/studies/" + study));
        signIn(stranger);
        await(By.id("error"));
        assertThat(driver.findElement(By.id("app")).getText()).contains("Not found", "another project", "404");

        // The project's own reader sees it, but stopping it is the writer's: a clear 403, the study stays active.
        driver.findElement(By.id("signout")).click();
        signIn(reader);
        awaitText(By.id("study-name"), "elsewhere");
        js("window.confirm = () => true; window.alert = m => { window.__alert = m; };");
        await(By.id("stop-study")).click();
        waitUpTo(10).until(d -> js("return window.__alert || null;") != null);
        assertThat((String) js("return window.__alert;")).contains("403", "role does not allow");
        assertThat(writer.get("/api/v1/studies/" + study + "/summary").string("status"))
                .isEqualTo("ACTIVE");
    }
}
