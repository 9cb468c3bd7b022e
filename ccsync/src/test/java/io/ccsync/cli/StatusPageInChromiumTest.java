package io.ccsync.cli;

import io.ccsync.Version;
import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.ops.StatusFixture;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page as a person sees it: a real browser (headless Chromium) opens /observe/status after a known day,
 * the page's text says what happened, and its screenshot shows it drawn (the healthy token in green, the file that
 * went to error/ in red, the dead letter in amber). The screenshot is kept in target/ to look at.
 */
class StatusPageInChromiumTest {
    private static final int GREEN = 0x11672a;
    private static final int RED = 0xb00020;
    private static final int AMBER = 0x8a5a00;

    @TempDir
    Path dir;

    @Test
    void aRealBrowserShowsTheStatusPage() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.available(), "no browser to drive: " + HeadlessChromium.BINARY
                + " is missing (Debian: apt-get install -y chromium); the page's content is tested over HTTP in "
                + "StatusPageTest");
        try (StatusFixture f = StatusFixture.start(dir)) {
            Path profile = Files.createDirectory(dir.resolve("chromium-profile"));
            try (HeadlessChromium browser = HeadlessChromium.open(f.statusUrl(), profile)) {
                String text = browser.awaitValue("document.readyState === 'complete' && document.title === "
                        + "'ccsync status' ? document.body.innerText : ''", Duration.ofSeconds(30));
                assertThat(text).contains("Constant Contact account", "healthy", "sandbox.user@example.com",
                        "API budget today", "used today", "file-inbox", "people.csv", "broken.json", "done/: 1 file",
                        "error/: 1 file", "1 record could not be delivered", "ccsync replay",
                        "Opt-outs back to the CRM", "The opt-out poll last ran", "version " + Version.current());
                String optOuts = text.substring(text.indexOf("Opt-outs back to the CRM"));
                assertThat(optOuts).containsPattern("\\d+ opt-outs? waits? to be written back to the CRM: the oldest "
                        + "opted out 20");
                assertThat(optOuts).as("opt-outs counted, no one named").doesNotContain(f.optedOut, "@");
                for (String secret : f.secrets()) {
                    assertThat(text).doesNotContain(secret);
                }
                assertThat(browser.evaluate("String(document.scripts.length)")).as("no script on the page")
                        .isEqualTo("0");

                byte[] png = browser.screenshot();
                Path kept = Path.of("target", "status-page.png");
                Files.createDirectories(kept.getParent());
                Files.write(kept, png);
                BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
                assertThat(shot).as("a PNG screenshot").isNotNull();
                assertThat(pixelsNear(shot, 0x222222)).as("text drawn (%s)", kept).isGreaterThan(2_000);
                assertThat(pixelsNear(shot, GREEN)).as("'healthy' in green (%s)", kept).isGreaterThan(20);
                assertThat(pixelsNear(shot, RED)).as("the error/ file in red (%s)", kept).isGreaterThan(20);
                assertThat(pixelsNear(shot, AMBER)).as("the dead letter in amber (%s)", kept).isGreaterThan(20);
            }
        }
    }

    /** Pixels within a small distance of {@code rgb}: text of that colour (its anti-aliased edges left out). */
    private static long pixelsNear(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int dr = ((p >> 16) & 0xff) - ((rgb >> 16) & 0xff);
                int dg = ((p >> 8) & 0xff) - ((rgb >> 8) & 0xff);
                int db = (p & 0xff) - (rgb & 0xff);
                if (dr * dr + dg * dg + db * db < 30 * 30) {
                    n++;
                }
            }
        }
        return n;
    }
}
