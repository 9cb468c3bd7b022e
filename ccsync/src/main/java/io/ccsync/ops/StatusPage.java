package io.ccsync.ops;

import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import io.ccsync.auth.AccessToken;
import io.ccsync.auth.TokenCache;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.TokenStore;
import io.ccsync.auth.flow.Durations;
import io.ccsync.Version;
import io.ccsync.delivery.ApiBudget;
import io.ccsync.contract.DeliveryReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.CronExpression;
import org.quartz.SchedulerException;
import org.quartz.Trigger;

/**
 * The status page ({@code /observe/status} on the management port) for the person who runs ccsync: the connected
 * account and its token's health, today's API budget, each source's last runs and processed files with their reports,
 * the dead letter, the opt-outs waiting to be written back to the CRM, and ccsync's version. Plain HTML that reloads
 * itself every 30 s, no script. It only reads: no refresh, no API call. It never shows a secret: of the tokens only
 * what {@code ccsync token} shows (subject, client, scopes, times).
 */
public final class StatusPage {
    public static final String PATH = "/observe/status";
    /** Files of done/ and error/ listed per inbox, newest first. */
    static final int FILES_SHOWN = 10;
    /** A report shown on the page is cut after this many lines (the file on disk has them all). */
    static final int REPORT_LINES = 40;
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final CamelContext context;

    public StatusPage(CamelContext context) {
        this.context = context;
    }

    /** The whole page as it is now. */
    public String html() {
        Clock clock = bean("clock", Clock.class);
        Instant now = (clock == null ? Clock.systemUTC() : clock).instant();
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"30\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>ccsync status</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;"
                        + "color:#222;background:#fff}")
                .append("h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse;margin:.4em 0}td,th{text-align:left;padding:.2em .8em .2em 0;"
                        + "vertical-align:top}th{font-weight:600}")
                .append(".ok{color:#11672a;font-weight:600}.warn{color:#8a5a00;font-weight:600}"
                        + ".bad{color:#b00020;font-weight:600}")
                .append("code,pre{background:#f4f4f4;padding:.1em .3em}pre{padding:.5em;overflow-x:auto;"
                        + "font-size:.9em}.muted{color:#666}")
                .append("</style></head><body>\n<h1>ccsync status</h1>\n<p class=\"muted\">")
                .append(esc(setting(context, "camel.main.name", "ccsync"))).append(" at ").append(at(now))
                .append(", version ").append(esc(Version.current()))
                .append(". This page reloads every 30 seconds.</p>\n");
        account(b, now);
        budget(b, now);
        sources(b, now);
        deadLetter(b);
        optOuts(b, now);
        b.append("</body></html>\n");
        return b.toString();
    }

    private void account(StringBuilder b, Instant now) {
        b.append("<h2 id=\"account\">Constant Contact account</h2>\n");
        TokenCache cache = bean("tokenCache", TokenCache.class);
        if (cache == null) {
            b.append("<p class=\"warn\">The token runtime is not running in this process.</p>\n");
            return;
        }
        TokenState state = cache.state();
        TokenStore store = bean("tokenStore", TokenStore.class);
        if (!state.hasTokens()) {
            b.append("<p class=\"bad\">Not connected: no tokens are stored. Run <code>ccsync init</code> (or "
                    + "<code>ccsync authorize</code>) once.</p>\n");
            return;
        }
        AccessToken token;
        try {
            token = AccessToken.parse(state.accessToken());
        } catch (IllegalArgumentException e) {
            b.append("<p class=\"bad\">The stored access token is not a JWT. Run <code>ccsync authorize</code>.</p>\n");
            return;
        }
        Duration margin = duration(context, "ccsync.token.refresh-margin");
        String health;
        if (state.reauthorization() != null) {
            health = "<span class=\"bad\">re-authorization needed</span>: " + esc(state.reauthorization());
        } else if (!token.expiresAt().isAfter(now)) {
            health = "<span class=\"warn\">expired</span>: refreshed before the next API call";
        } else if (!now.isBefore(token.expiresAt().minus(margin))) {
            health = "<span class=\"warn\">refresh due</span>: refreshed before the next API call";
        } else {
            health = "<span class=\"ok\">healthy</span>";
        }
        b.append("<table>\n");
        row(b, "token", health);
        row(b, "account (subject)", esc(token.subject()));
        row(b, "client (API key)", esc(token.clientId()));
        row(b, "scopes", esc(state.scope() != null ? state.scope() : String.join(" ", token.scopes())));
        row(b, "access token expires", at(token.expiresAt()) + " (" + relative(now, token.expiresAt()) + ")");
        row(b, "last refresh", state.lastRefreshAt() == null ? "none yet"
                : at(state.lastRefreshAt()) + " (" + relative(now, state.lastRefreshAt()) + "): "
                        + esc(state.lastRefreshOutcome()));
        String mode = switch (state.refreshMode()) {
            case ROTATING -> "rotating";
            case LONG_LIVED -> "long-lived";
            case UNKNOWN -> "rotating or long-lived (known after the first refresh)";
        };
        long keepAliveDays = Long.parseLong(setting(context, "ccsync.token.keepalive-days", "30"));
        row(b, "refresh token", state.refreshToken() == null ? "<span class=\"bad\">none</span> (offline_access was "
                + "not granted)" : mode + (state.refreshTokenSince() == null ? "" : ", received "
                + at(state.refreshTokenSince()) + " (" + Duration.between(state.refreshTokenSince(), now).toDays()
                + " days old; Constant Contact ends an unused one at 180 days)"));
        row(b, "next keep-alive", keepAlive(state, token, now, keepAliveDays));
        row(b, "stored in", esc(store == null ? "unknown" : store.describe()));
        b.append("</table>\n");
    }

    /** When the scheduled route will next look at the token, and when it will refresh it. */
    private String keepAlive(TokenState state, AccessToken token, Instant now, long keepAliveDays) {
        Route route = context.getRoute("token-keepalive");
        if (route == null || context.getRouteController().getRouteStatus("token-keepalive") != ServiceStatus.Started) {
            return "<span class=\"warn\">off</span>: the keep-alive route is not running here "
                    + "(ccsync.token.scheduler-enabled); tokens are refreshed only when a call needs one";
        }
        Duration before = duration(context, "ccsync.token.proactive-refresh-before");
        Duration lifetime = token.lifetime();
        if (lifetime != null && before.compareTo(lifetime.dividedBy(2)) > 0) {
            before = lifetime.dividedBy(2);
        }
        Instant due = token.expiresAt().minus(before);
        String why = "an hour or less before the access token ends";
        if (state.refreshTokenSince() != null) {
            Instant old = state.refreshTokenSince().plus(Duration.ofDays(keepAliveDays));
            if (old.isBefore(due)) {
                due = old;
                why = "the refresh token reaches " + keepAliveDays + " days (ccsync.token.keepalive-days)";
            }
        }
        Instant check = nextCheck(due.isAfter(now) ? due : now);
        return "refresh at the check of " + (check == null ? "the schedule" : at(check) + " (" + relative(now, check)
                + ")") + ", the first after " + esc(why) + "; checks run on cron <code>"
                + esc(setting(context, "ccsync.token.refresh-cron", "")) + "</code>";
    }

    private Instant nextCheck(Instant after) {
        try {
            CronExpression cron = new CronExpression(setting(context, "ccsync.token.refresh-cron"));
            cron.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
            Date next = cron.getNextValidTimeAfter(Date.from(after.minusMillis(1)));
            return next == null ? null : next.toInstant();
        } catch (ParseException | IllegalStateException e) {
            return null;
        }
    }

    private void budget(StringBuilder b, Instant now) {
        b.append("<h2 id=\"budget\">API budget today</h2>\n");
        ApiBudget budget = bean("apiBudget", ApiBudget.class);
        if (budget == null) {
            b.append("<p class=\"muted\">Delivery is not running in this process.</p>\n");
            return;
        }
        int used = budget.usedToday();
        long limit = Long.parseLong(setting(context, "ccsync.delivery.rate.per-day", "10000"));
        b.append("<p><span class=\"").append(used >= limit ? "bad" : used * 10 >= limit * 9 ? "warn" : "ok")
                .append("\">").append(used).append(" of ").append(limit).append(" calls</span> used today (UTC, ")
                .append(limit == 0 ? 0 : used * 100 / limit).append("%); at most ")
                .append(esc(setting(context, "ccsync.delivery.rate.per-second", "4"))).append(" a second.");
        Instant paused = budget.pausedUntil();
        if (paused != null && paused.isAfter(now)) {
            b.append(" <span class=\"bad\">Delivery is paused until ").append(at(paused))
                    .append("</span> (the daily quota is used up).");
        }
        b.append("</p>\n");
    }

    private void sources(StringBuilder b, Instant now) {
        b.append("<h2 id=\"sources\">Sources</h2>\n");
        SourceRuns runs = bean(StatusConfiguration.SOURCE_RUNS, SourceRuns.class);
        List<Route> sources = context.getRoutes().stream().filter(SourceRuns::isSource)
                .sorted(Comparator.comparing(Route::getRouteId)).toList();
        if (sources.isEmpty()) {
            b.append("<p class=\"muted\">No source route (file inbox, CRM poll) in this process.</p>\n");
        }
        for (Route route : sources) {
            String id = route.getRouteId();
            ServiceStatus status = context.getRouteController().getRouteStatus(id);
            boolean inbox = route.getEndpoint() instanceof FileEndpoint;
            b.append("<h3 id=\"source-").append(esc(id)).append("\">").append(esc(id)).append(" <span class=\"muted\">(")
                    .append(inbox ? "file inbox " + esc(((FileEndpoint) route.getEndpoint()).getFile().getPath())
                            : "CRM poll").append(", ")
                    .append(status == ServiceStatus.Started ? "running" : status == null ? "unknown"
                            : esc(status.name().toLowerCase(Locale.ROOT)))
                    .append(")</span></h3>\n");
            List<SourceRuns.Run> last = runs == null ? List.of() : runs.of(id);
            if (last.isEmpty()) {
                b.append("<p class=\"muted\">No run since ccsync started.</p>\n");
            } else {
                b.append("<table><tr><th>ended</th>").append(inbox ? "<th>file</th>" : "")
                        .append("<th>outcome</th><th>records</th></tr>\n");
                for (SourceRuns.Run run : last) {
                    b.append("<tr><td>").append(at(run.endedAt())).append(" (").append(relative(now, run.endedAt()))
                            .append(")</td>");
                    if (inbox) {
                        b.append("<td>").append(esc(run.file())).append("</td>");
                    }
                    boolean bad = run.error() != null || run.outcome().startsWith("error");
                    b.append("<td").append(bad ? " class=\"bad\"" : "").append(">").append(esc(run.outcome()))
                            .append(run.error() == null ? "" : ": " + esc(run.error())).append("</td><td>")
                            .append(counts(run.report())).append("</td></tr>\n");
                }
                b.append("</table>\n");
            }
            if (inbox) {
                Path dir = ((FileEndpoint) route.getEndpoint()).getFile().toPath();
                processed(b, dir, "done");
                processed(b, dir, "error");
            }
        }
    }

    static String counts(DeliveryReport r) {
        if (r == null) {
            return "none";
        }
        return r.total() + " records: " + r.created() + " created, " + r.updated() + " updated, " + r.imported()
                + " imported, " + r.unchanged() + " unchanged, " + r.rejected().size() + " rejected, "
                + r.deadLettered().size() + " dead-lettered";
    }

    /** The newest files in done/ or error/ with their reports (folded, so the page stays short). */
    private static void processed(StringBuilder b, Path inbox, String folder) {
        Path dir = inbox.resolve(folder);
        List<Path> files = new ArrayList<>();
        long count = 0;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                List<Path> all = list.filter(p -> !p.getFileName().toString().endsWith(".report.txt"))
                        .filter(Files::isRegularFile).toList();
                count = all.size();
                all.stream().sorted(Comparator.comparing(StatusPage::modified).reversed()).limit(FILES_SHOWN)
                        .forEach(files::add);
            } catch (IOException e) {
                b.append("<p class=\"warn\">").append(folder).append("/ cannot be listed: ")
                        .append(esc(e.getMessage())).append("</p>\n");
                return;
            }
        }
        b.append("<p><b>").append(folder).append("/</b>: ").append(count).append(count == 1 ? " file" : " files")
                .append(count > files.size() ? ", the newest " + files.size() + " below" : "")
                .append(" <span class=\"muted\">(").append(esc(dir.toString())).append(")</span></p>\n");
        for (Path file : files) {
            Path report = file.resolveSibling(file.getFileName() + ".report.txt");
            b.append("<details><summary>").append(esc(file.getFileName().toString())).append(" <span class=\"muted\">")
                    .append(at(modified(file))).append("</span>");
            List<String> lines = head(report);
            String outcome = lines.stream().filter(l -> l.startsWith("outcome:")).findFirst().orElse(null);
            if (outcome != null) {
                b.append(" ").append(esc(outcome.substring("outcome:".length()).strip()));
            }
            b.append("</summary>");
            if (lines.isEmpty()) {
                b.append("<p class=\"muted\">no report beside it</p>");
            } else {
                b.append("<pre>");
                lines.forEach(l -> b.append(esc(l)).append('\n'));
                b.append("</pre><p class=\"muted\">").append(esc(report.toString())).append("</p>");
            }
            b.append("</details>\n");
        }
    }

    private static List<String> head(Path report) {
        List<String> lines = new ArrayList<>();
        if (!Files.isRegularFile(report)) {
            return lines;
        }
        try (BufferedReader in = Files.newBufferedReader(report, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (lines.size() == REPORT_LINES) {
                    lines.add("… (the rest is in the file)");
                    break;
                }
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("the report cannot be read: " + e.getMessage());
        }
        return lines;
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private void deadLetter(StringBuilder b) {
        b.append("<h2 id=\"dead-letter\">Dead letter</h2>\n");
        DataSource db = bean("ccsyncDb", DataSource.class);
        if (db == null) {
            b.append("<p class=\"muted\">ccsync's database is not open in this process.</p>\n");
            return;
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), MIN(failed_at) FROM delivery_dead_letter")) {
            rs.next();
            long n = rs.getLong(1);
            if (n == 0) {
                b.append("<p><span class=\"ok\">Empty</span>: every record that was valid reached Constant Contact."
                        + "</p>\n");
            } else {
                b.append("<p><span class=\"warn\">").append(n).append(n == 1 ? " record" : " records")
                        .append("</span> could not be delivered (the oldest since ")
                        .append(at(rs.getTimestamp(2).toInstant())).append("). Once the cause is fixed, send them "
                        + "again with <code>ccsync replay</code>.</p>\n");
            }
        } catch (SQLException e) {
            // the driver's message may quote the URL: name the setting instead
            b.append("<p class=\"warn\">The dead letter cannot be read from ccsync's database (ccsync.db.url).</p>\n");
        }
    }

    /**
     * Opt-outs read back from Constant Contact that the CRM statement has not applied yet: how many and how long the
     * oldest has waited, and when the poll last ran. Counts and times only: the addresses are for {@code ccsync check}
     * (this page may be opened behind a proxy or shown on a screen; nobody needs them to see that write-back stalls).
     */
    private void optOuts(StringBuilder b, Instant now) {
        b.append("<h2 id=\"opt-outs\">Opt-outs back to the CRM</h2>\n");
        b.append("<p>").append(optOutPoll(now)).append("</p>\n");
        DataSource db = bean("ccsyncDb", DataSource.class);
        if (db == null) {
            b.append("<p class=\"muted\">ccsync's database is not open in this process.</p>\n");
            return;
        }
        boolean crm = !setting(context, "ccsync.crm.optout-sql", "").isBlank();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), MIN(opted_out_at), MIN(found_at) FROM lifecycle_optout"
                     + (crm ? " WHERE crm_applied_at IS NULL" : ""))) {
            rs.next();
            long n = rs.getLong(1);
            if (!crm) {
                b.append("<p class=\"muted\">No CRM statement is set (<code>ccsync.crm.optout-sql</code>): the ")
                        .append(n).append(n == 1 ? " opt-out" : " opt-outs").append(" read so far went to files in ")
                        .append(esc(setting(context, "ccsync.optouts.dir", "data/optouts")))
                        .append(" only, and none waits for the CRM.</p>\n");
            } else if (n == 0) {
                b.append("<p><span class=\"ok\">None waiting</span>: every opt-out read from Constant Contact has "
                        + "been written back to the CRM.</p>\n");
            } else {
                // stored as UTC wall-clock times (db/migration/common/V1__ccsync_tables.sql)
                Instant oldest = rs.getTimestamp(2).toLocalDateTime().toInstant(ZoneOffset.UTC);
                Instant found = rs.getTimestamp(3).toLocalDateTime().toInstant(ZoneOffset.UTC);
                b.append("<p><span class=\"warn\">").append(n).append(n == 1 ? " opt-out waits" : " opt-outs wait")
                        .append("</span> to be written back to the CRM: the oldest opted out ").append(at(oldest))
                        .append(" (").append(relative(now, oldest)).append("); the first of them was read from "
                        + "Constant Contact ").append(at(found)).append(" (").append(relative(now, found))
                        .append("). The poll applies "
                        + "them with <code>ccsync.crm.optout-sql</code> each time it runs; if they stay, its log "
                        + "line <code>Opt-out poll: …</code> says why, and <code>ccsync check FILE</code> lists "
                        + "them.</p>\n");
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                b.append("<p class=\"muted\">No opt-out poll has run on this database yet.</p>\n");
            } else {
                // the driver's message may quote the URL: name the setting instead
                b.append("<p class=\"warn\">The opt-outs cannot be read from ccsync's database (ccsync.db.url)."
                        + "</p>\n");
            }
        }
    }

    /** When the opt-out poll last ran and runs next, from its Quartz trigger (in a cluster: on whichever node). */
    private String optOutPoll(Instant now) {
        String id = "optouts-poll";
        Route route = context.getRoute(id);
        ServiceStatus status = route == null ? null : context.getRouteController().getRouteStatus(id);
        if (route == null || status == ServiceStatus.Stopped) {
            return "<span class=\"muted\">The opt-out poll is off here (ccsync.optouts.enabled).</span>";
        }
        // suspended: the re-authorization gate holds every route that calls the API
        String state = status == null || status == ServiceStatus.Started ? "" : " <span class=\"warn\">It is "
                + esc(status.name().toLowerCase(Locale.ROOT)) + "</span> (see the token above).";
        Trigger trigger = null;
        if (route.getEndpoint() instanceof QuartzEndpoint quartz) {
            try {
                trigger = quartz.getComponent().getScheduler().getTrigger(quartz.getTriggerKey());
            } catch (SchedulerException | RuntimeException e) {
                trigger = null; // the times are a courtesy: the rest of the page still says what matters
            }
        }
        if (trigger == null) {
            return "The opt-out poll runs on cron <code>" + esc(setting(context, "ccsync.optouts.cron", ""))
                    + "</code>." + state;
        }
        Date last = trigger.getPreviousFireTime();
        Date next = trigger.getNextFireTime();
        return "The opt-out poll last ran " + (last == null ? "never (not since it was scheduled)"
                : at(last.toInstant()) + " (" + relative(now, last.toInstant()) + ")")
                + (next == null ? "" : "; next " + at(next.toInstant()) + " (" + relative(now, next.toInstant()) + ")")
                + ", on cron <code>" + esc(setting(context, "ccsync.optouts.cron", "")) + "</code>." + state;
    }

    private static void row(StringBuilder b, String name, String html) {
        b.append("<tr><th>").append(esc(name)).append("</th><td>").append(html).append("</td></tr>\n");
    }

    private static String relative(Instant now, Instant then) {
        return esc(Durations.relative(Duration.between(now, then)));
    }

    private static String at(Instant t) {
        return AT.format(t);
    }

    private <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    /** HTML-escapes text from files, settings and servers. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
