package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.auth.AccessToken;
import io.ccsync.auth.FileTokenStore;
import io.ccsync.Version;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /observe/status over plain HTTP after a known day: what a person running ccsync needs to see, and no secret and no
 * person's address.
 */
class StatusPageTest {
    @TempDir
    Path dir;

    @Test
    void showsTheAccountTheBudgetEachSourcesRunsTheFilesAndTheDeadLetterButNoSecret() throws Exception {
        try (StatusFixture f = StatusFixture.start(dir)) {
            HttpResponse<String> response = f.get();

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/html"));
            String page = response.body();
            String subject = AccessToken.parse(new FileTokenStore(f.tokenFile).read().accessToken()).subject();
            // the account and its token
            assertThat(page).contains("<span class=\"ok\">healthy</span>", subject, f.sandbox.clientId(),
                    "contact_data", "access token expires", "refresh token", "days old", "next keep-alive",
                    "refresh at the check of", f.tokenFile.toString());
            // today's budget: the calls the sandbox saw (less the fixture's own custom-field call)
            long calls = f.sandbox.requests().stream().filter(r -> r.path().startsWith("/v3/")).count() - 1;
            assertThat(page).contains(calls + " of 10000 calls</span> used today");
            // the inbox's runs and files, with their reports
            assertThat(page).contains("file-inbox", "people.csv", "broken.json",
                    "3 records: 2 created, 0 updated, 0 imported, 0 unchanged, 1 rejected, 0 dead-lettered",
                    "<b>done/</b>: 1 file", "<b>error/</b>: 1 file", "not-an-email", "ccsync report for people.csv");
            // the CRM poll's runs: its 20 rows, then polls that found nothing, kept once
            String crm = page.substring(page.indexOf("id=\"source-crm-poll\""), page.indexOf("id=\"source-file-inbox\""));
            assertThat(crm).contains("CRM poll, running", "20 records: ", "no new rows");
            assertThat(crm).as("idle polls in a row kept once")
                    .doesNotContainPattern("no new rows</td><td>[^\\n]*\\n<tr><td>[^<]*</td><td>no new rows");
            String inbox = page.substring(page.indexOf("id=\"source-file-inbox\""));
            assertThat(inbox.substring(0, inbox.indexOf("<b>done/"))).doesNotContain("no new rows");
            assertThat(page).containsPattern("class=\"bad\">error: [^<]*broken.json|class=\"bad\">error: ");
            // the dead letter and what to do about it
            assertThat(page).contains("1 record</span> could not be delivered", "<code>ccsync replay</code>");
            for (String secret : f.secrets()) {
                assertThat(page).doesNotContain(secret);
            }
            // which build this is
            assertThat(page).contains(", version " + Version.current() + ". This page reloads");
        }
    }

    @Test
    void countsTheOptOutsWaitingForTheCrmAndTheirAgeButNamesNoOne() throws Exception {
        try (StatusFixture f = StatusFixture.start(dir)) {
            List<String> pending = f.pendingForCrm();
            String optOuts = optOutSection(f.get().body());
            assertThat(optOuts).contains("The opt-out poll last ran 20", "next 20", "on cron <code>* * * * * ?</code>",
                    "<span class=\"warn\">" + pending.size()
                            + (pending.size() == 1 ? " opt-out waits" : " opt-outs wait")
                            + "</span> to be written back to the CRM",
                    "the oldest opted out 20", "ago); the first of them was read from Constant Contact 20",
                    "ccsync.crm.optout-sql");
            assertThat(optOuts).as("a count, not a list of people").doesNotContain("@");

            f.createCrmOptOutTable();
            await().atMost(Duration.ofSeconds(30)).until(() -> f.pendingForCrm().isEmpty());
            assertThat(optOutSection(f.get().body())).contains("<span class=\"ok\">None waiting</span>")
                    .doesNotContain("waits");
        }
    }

    private static String optOutSection(String page) {
        return page.substring(page.indexOf("<h2 id=\"opt-outs\">"));
    }
}
