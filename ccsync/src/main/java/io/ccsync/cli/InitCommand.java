package io.ccsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.auth.AccessToken;
import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.AuthorizationException;
import io.ccsync.auth.flow.AuthorizeFlow;
import io.ccsync.auth.flow.Browser;
import io.ccsync.auth.flow.Connected;
import io.ccsync.auth.flow.DeviceFlow;
import io.ccsync.auth.flow.RedirectUri;
import io.ccsync.contact.ContactMapping;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync init}: from nothing to a connected account and a mapping that fits it, in the terminal. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Set ccsync up for a Constant Contact account, step by step: the application's API key and "
                + "secret (kept in an owner-only env file, never in application.properties), the redirect URI "
                + "checked, the one-time authorization (browser, or --device), then the account's lists and custom "
                + "fields matched with a sample file's columns (or a CRM table's) into config/mapping.yaml. Ends with "
                + "the command that starts syncing and the status page's address.",
                "Every question has a flag; with --non-interactive nothing is asked and a missing answer is an error "
                + "naming its flag."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:set up: secrets, tokens and mapping written", "1:not set up (the message says why)",
            "2:usage error: an unknown option or a missing argument (`ccsync init --help`)"})
public final class InitCommand implements Callable<Integer> {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Option(names = "--client-id", paramLabel = "UUID",
            description = "The application's API key (default: CC_CLIENT_ID, else asked).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET",
            description = "The application's secret (default: CC_CLIENT_SECRET, else asked; empty for PKCE only).")
    String clientSecret;

    @Option(names = "--redirect-uri", paramLabel = "URI",
            description = "The redirect URI registered for the application (default: ccsync.oauth.redirect-uri).")
    String redirectUri;

    @Option(names = "--device", description = "Authorize with the device flow (a code to type on any device), for a "
            + "machine without a browser.")
    boolean device;

    @Option(names = "--no-browser", description = "Only print the consent page's URL; open it yourself.")
    boolean noBrowser;

    @Option(names = "--reauthorize", description = "Authorize again even when tokens are stored and usable.")
    boolean reauthorize;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long the browser authorization waits (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--sample", paramLabel = "FILE",
            description = "A contact file (CSV with a header, JSON or NDJSON) whose columns the mapping is made for.")
    Path sample;

    @Option(names = "--crm-table", paramLabel = "TABLE",
            description = "A table of the CRM database (ccsync.crm.url) whose columns the mapping is made for.")
    String crmTable;

    @Option(names = "--list", paramLabel = "NAME",
            description = "A list every contact joins (repeatable; default: General Interest when the account has it).")
    List<String> lists = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", defaultValue = "config/ccsync.env",
            description = "Where the secrets go, owner-only; bin/ccsync reads it (default: ${DEFAULT-VALUE}).")
    Path envFile;

    @Option(names = "--mapping", paramLabel = "FILE",
            description = "The mapping to write (default: ccsync.delivery.mapping-file); the old one is kept as .bak.")
    Path mapping;

    @Option(names = "--non-interactive", description = "Ask nothing: every answer comes from flags or the environment.")
    boolean nonInteractive;

    @Option(names = "--verbose", description = "Let Camel's and ccsync's log through (warnings only otherwise).")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Settings that win over config/application.properties (tests). */
    Map<String, String> overrides = new LinkedHashMap<>();
    /** Where answers are read from (tests replace it); the terminal's console reads secrets without echo. */
    BufferedReader in;
    /** How the browser is opened (tests replace it). */
    Browser browser = Browser.SYSTEM;
    /** The environment (tests replace it). */
    Map<String, String> env = System.getenv();

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (in == null) {
            in = new SystemIn();
        }
        try (AutoCloseable quiet = OneShot.quiet(verbose)) {
            return init();
        } catch (AuthorizationException | TokenEndpointException | IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), e);
        }
    }

    private int init() throws Exception {
        out.println("ccsync init: connect ccsync to your Constant Contact account and map your contacts.");
        out.println();
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        Map<String, String> envEntries = new LinkedHashMap<>();

        // 1. the application's credentials
        out.println("1. Your application (Constant Contact developer portal, My Applications).");
        String id = firstNonBlank(clientId, env.get("CC_CLIENT_ID"), settings.get("ccsync.oauth.client-id"));
        if (id == null) {
            id = ask("API key (client id, a UUID)", null, "--client-id", false);
        }
        String secret = clientSecret != null ? clientSecret
                : firstNonBlank(env.get("CC_CLIENT_SECRET"), settings.get("ccsync.oauth.client-secret"));
        if (secret == null) {
            secret = ask("Secret (Enter for none: a PKCE-only application)", "", "--client-secret", true);
        }
        id = id.strip();
        secret = secret.strip();
        checkCredentials(id, secret);
        settings.put("ccsync.oauth.client-id", id);
        settings.put("ccsync.oauth.client-secret", secret);
        envEntries.put("CC_CLIENT_ID", id);
        envEntries.put("CC_CLIENT_SECRET", secret);

        try (OneShot.Tokens configured = OneShot.tokens(settings)) {
            // 2. the redirect URI, unless the device flow needs none
            if (!device) {
                out.println();
                out.println("2. The redirect URI is where Constant Contact sends your browser back after you click "
                        + "Allow: ccsync listens there on this machine, so it must be registered for your application "
                        + "character for character.");
                String configuredUri = configured.setting("ccsync.oauth.redirect-uri");
                String uri = redirectUri != null ? redirectUri
                        : ask("Redirect URI registered for the application", configuredUri, "--redirect-uri", false);
                uri = checkRedirectUri(uri.strip());
                if (!uri.equals(configuredUri)) {
                    settings.put("ccsync.oauth.redirect-uri", uri);
                    envEntries.put("CCSYNC_OAUTH_REDIRECT_URI", uri);
                }
            }
        }
        writeEnvFile(envEntries);
        out.println("   Saved to " + envFile + " (owner-only; bin/ccsync reads it, keep it out of version control).");

        // 3. the authorization
        out.println();
        out.println("3. Authorization.");
        TokenState state;
        try (OneShot.Tokens tokens = OneShot.tokens(settings)) {
            TokenState stored = tokens.store().read();
            boolean connected = stored.hasTokens() && stored.reauthorization() == null && stored.refreshToken() != null
                    && sameClient(stored, id);
            if (connected && !reauthorize) {
                out.println("   Already connected (tokens in " + tokens.store().describe() + "); --reauthorize to "
                        + "connect again.");
            } else {
                OAuthSettings oauth = tokens.context().getRegistry().lookupByNameAndType("oauthSettings",
                        OAuthSettings.class);
                Connected done = device
                        ? new DeviceFlow(oauth, tokens.store(), tokens.clock(), d -> Thread.sleep(d.toMillis()), out)
                                .run()
                        : new AuthorizeFlow(oauth, tokens.store(), tokens.clock(), noBrowser ? Browser.NONE : browser,
                                out).run(Duration.ofSeconds(timeoutSeconds));
                out.println(done.describe(tokens.clock().instant()));
            }
            state = tokens.store().read();
        }
        AccessToken token = AccessToken.parse(state.accessToken());
        out.println("   Connected account: " + token.subject());

        // 4. the account's names, the source's columns, the mapping
        out.println();
        out.println("4. Your contacts: the mapping from your columns to Constant Contact's fields.");
        String api = settingOf(settings, "ccsync.api.base-url");
        List<String> accountLists = names(api, "/contact_lists?limit=1000", "lists", token.value());
        List<String> customFields = names(api, "/contact_custom_fields?limit=100", "custom_fields", token.value());
        List<String> tags = namesIfAny(api, "/contact_tags?limit=500", "tags", token.value());
        out.println("   The account has " + accountLists.size() + " list(s): " + String.join(", ", accountLists));
        out.println("   " + customFields.size() + " custom field(s)" + (customFields.isEmpty() ? ""
                : ": " + String.join(", ", customFields)) + (tags == null ? "" : "; " + tags.size() + " tag(s)"
                + (tags.isEmpty() ? "" : ": " + String.join(", ", tags))));
        List<String> chosen = chooseLists(accountLists);
        List<String> columns = new ArrayList<>();
        String source = null;
        if (crmTable != null) {
            columns = crmColumns(settings, crmTable);
            source = "the CRM table " + crmTable;
        } else {
            Path file = sample;
            if (file == null && !nonInteractive) {
                String answer = ask("A sample contact file to match its columns (Enter to skip)", "", "--sample",
                        false);
                file = answer.isBlank() ? null : Path.of(answer.strip());
            }
            if (file != null) {
                file = callerPath(file);
                columns = SampleColumns.of(file);
                source = file.getFileName().toString();
            }
        }
        MappingWriter.Result result = MappingWriter.write(columns, customFields, chosen, source);
        Path target = mapping != null ? mapping : Path.of(settingOf(settings, "ccsync.delivery.mapping-file"));
        writeMapping(target, result.yaml());
        result.matched().forEach((field, column) -> out.println(String.format("   %-22s <- %s", field, column)));
        if (!result.unmatched().isEmpty()) {
            out.println("   Not matched (left as comments in the file): " + String.join(", ", result.unmatched()));
        }
        out.println("   Wrote " + target + (Files.exists(backup(target)) ? " (the previous one is " + backup(target)
                + ")" : "") + ".");

        // 5. what next
        out.println();
        out.println("Done. Start syncing with:");
        out.println();
        out.println("  bin/ccsync run");
        out.println();
        out.println("Then drop files into " + settingOf(settings, "ccsync.inbox.dir") + " and watch them arrive at "
                + "http://localhost:" + settingOf(settings, "camel.management.port") + "/observe/status");
        out.flush();
        return 0;
    }

    // ---- the questions ----

    private String ask(String question, String fallback, String flag, boolean secret) throws IOException {
        if (nonInteractive) {
            if (fallback != null) {
                return fallback;
            }
            throw new UserFacingException(question + ": no answer with --non-interactive; give " + flag + ".");
        }
        out.print("   " + question + (fallback == null || fallback.isEmpty() ? "" : " [" + fallback + "]") + ": ");
        out.flush();
        String answer;
        java.io.Console console = System.console();
        if (secret && console != null && in instanceof SystemIn) {
            char[] typed = console.readPassword();
            answer = typed == null ? null : new String(typed);
        } else {
            answer = in.readLine();
        }
        if (answer == null) {
            throw new UserFacingException(question + ": no answer (the input ended); give " + flag + ".");
        }
        return answer.isBlank() && fallback != null ? fallback : answer;
    }

    /** Marks the reader over the real standard input, where the console can read a secret without echo. */
    private static final class SystemIn extends BufferedReader {
        SystemIn() {
            super(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
    }

    /** The classic mistakes with the credentials, before any call (section 3 of the API facts). */
    private void checkCredentials(String id, String secret) {
        OAuthSettings.from(key -> switch (key) {
            case "ccsync.oauth.client-id" -> id;
            case "ccsync.oauth.client-secret" -> secret;
            case "ccsync.oauth.scopes" -> "contact_data offline_access";
            default -> "http://localhost:8765/callback";
        }).requireUsable();
        if (!UUID.matcher(id).matches()) {
            throw new IllegalStateException("the API key (client id) is a UUID such as "
                    + "5f0c8e6e-3b7a-4c1e-9d2f-6a1b2c3d4e5f, and what was given is not one. Copy the API key from your "
                    + "application's page in the Constant Contact developer portal (not its name, not the secret).");
        }
        if (id.equalsIgnoreCase(secret)) {
            throw new IllegalStateException("the secret is the API key again. Generate the secret on your "
                    + "application's page in the developer portal (it is shown once) and give that.");
        }
    }

    /** The redirect URI's shape, and the one-character slips that make Constant Contact refuse it. */
    private String checkRedirectUri(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the redirect URI '" + uri + "' is not a URI; it looks like "
                    + "http://localhost:8765/callback.");
        }
        RedirectUri.of(parsed); // http, loopback, a port, no query: the receiver's own rules and message
        if (uri.endsWith("/") && parsed.getPath().length() > 1) {
            out.println("   Note: it ends with '/'. Constant Contact compares it character for character: register "
                    + "it with the same slash, or drop the slash here.");
        }
        out.println("   OK: " + uri + ". If Constant Contact then says the redirect URI does not match, the one "
                + "registered differs by a character (http/https, localhost/127.0.0.1, the port, a slash).");
        return uri;
    }

    private List<String> chooseLists(List<String> accountLists) throws IOException {
        if (!lists.isEmpty()) {
            for (String name : lists) {
                if (accountLists.stream().noneMatch(l -> l.equalsIgnoreCase(name))) {
                    throw new IllegalStateException("the account has no list named '" + name + "'; its lists: "
                            + String.join(", ", accountLists) + ". Create it in Constant Contact (Contacts > Lists) or "
                            + "choose one of these.");
                }
            }
            return lists;
        }
        if (accountLists.isEmpty()) {
            throw new IllegalStateException("the account has no list, and a contact on no list cannot be mailed. "
                    + "Create one in Constant Contact (Contacts > Lists), then run `ccsync init` again.");
        }
        int usual = Math.max(0, indexOfIgnoreCase(accountLists, "General Interest"));
        if (nonInteractive || accountLists.size() == 1) {
            out.println("   Every contact joins: " + accountLists.get(usual));
            return List.of(accountLists.get(usual));
        }
        for (int i = 0; i < accountLists.size(); i++) {
            out.println(String.format("   %2d. %s", i + 1, accountLists.get(i)));
        }
        while (true) {
            String answer = ask("Lists every contact joins (numbers, comma separated)", Integer.toString(usual + 1),
                    "--list", false);
            List<String> picked = new ArrayList<>();
            try {
                for (String n : answer.split("[,\\s]+")) {
                    if (!n.isBlank()) {
                        picked.add(accountLists.get(Integer.parseInt(n.strip()) - 1));
                    }
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                out.println("   Give numbers between 1 and " + accountLists.size() + ".");
                continue;
            }
            if (!picked.isEmpty()) {
                return picked;
            }
        }
    }

    private static int indexOfIgnoreCase(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    // ---- what is written ----

    /** Secrets into an env file only the owner can read, written whole and renamed into place. */
    private void writeEnvFile(Map<String, String> entries) throws IOException {
        Path file = envFile.toAbsolutePath();
        Files.createDirectories(file.getParent());
        Map<String, String> all = new LinkedHashMap<>();
        if (Files.exists(file)) { // keep what else is there (CCSYNC_TOKEN_KEY, a database password)
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    all.put(line.substring(0, eq).strip(), line.substring(eq + 1));
                }
            }
        }
        all.putAll(entries);
        StringBuilder text = new StringBuilder("# ccsync's secrets, written by `ccsync init`. Owner-only: keep it out of "
                + "version control and backups others read.\n# bin/ccsync reads it; a variable already set in the "
                + "environment wins. One NAME=value a line, no quotes.\n");
        all.forEach((k, v) -> text.append(k).append('=').append(v.replace("\n", "")).append('\n'));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeMapping(Path target, String yaml) throws IOException {
        ContactMapping.parse(yaml, target.toString()); // never write a mapping ccsync would refuse at start
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(target)) {
            Files.copy(target, backup(target), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(target, yaml);
    }

    private static Path backup(Path target) {
        return target.resolveSibling(target.getFileName() + ".bak");
    }

    // ---- reading the account and the source ----

    private static List<String> names(String api, String path, String array, String token) throws Exception {
        List<String> names = namesIfAny(api, path, array, token);
        if (names == null) {
            throw new IllegalStateException("Constant Contact did not answer " + path + " (" + api + ").");
        }
        return names;
    }

    /** The {@code name}s in the answer's {@code array}, or null when the endpoint is not there (404). */
    private static List<String> namesIfAny(String api, String path, String array, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        // the API key's 4 requests a second are shared with anything else running on it: wait and ask again
        for (int attempt = 1; answer.statusCode() == 429 && attempt <= 5; attempt++) {
            Thread.sleep(1000L * attempt);
            answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (answer.statusCode() == 404) {
            return null;
        }
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Constant Contact answered " + answer.statusCode() + " to GET " + path
                    + "; run `ccsync token` to see the connection's state.");
        }
        List<String> names = new ArrayList<>();
        // made here, not in a static field: picocli builds every command at start, and Jackson's set-up would cost
        // `ccsync --version` 0.2 s of CPU
        for (JsonNode n : new ObjectMapper().readTree(answer.body()).path(array)) {
            names.add(n.path("name").asText());
        }
        return names;
    }

    private static List<String> crmColumns(Map<String, String> settings, String table) {
        String url = settingOf(settings, "ccsync.crm.url");
        if (!table.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new IllegalStateException("--crm-table takes a table name (letters, digits, _ and .), not '"
                    + table + "'.");
        }
        try (Connection c = DriverManager.getConnection(url, settingOf(settings, "ccsync.crm.user"),
                settingOf(settings, "ccsync.crm.password")); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT));
            }
            return columns;
        } catch (SQLException e) {
            throw new IllegalStateException("the columns of " + table + " cannot be read from the CRM database "
                    + "(ccsync.crm.url, ccsync.crm.user, ccsync.crm.password): "
                    + String.valueOf(e.getMessage()).replace(url, "ccsync.crm.url"));
        }
    }

    private boolean sameClient(TokenState state, String id) {
        try {
            return id.equals(AccessToken.parse(state.accessToken()).clientId());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Relative paths from where bin/ccsync was called (it changes into the install folder). */
    private static Path callerPath(Path file) {
        String caller = System.getenv("CCSYNC_CALLER_DIR");
        return caller == null || file.isAbsolute() ? file : Path.of(caller).resolve(file);
    }

    private static String settingOf(Map<String, String> settings, String key) {
        try (OneShot.Tokens s = OneShot.settingsOnly(settings)) {
            return s.setting(key);
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
