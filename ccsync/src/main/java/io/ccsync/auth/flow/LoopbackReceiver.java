package io.ccsync.auth.flow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The one-shot receiver for the browser's redirect: listens on 127.0.0.1 only (nothing on the network can answer in
 * the person's place), on the redirect URI's port and path. It refuses answers whose {@code state} is not ours,
 * hands the first good code to {@code onCode} at once (codes live 5 minutes) and shows the browser how it ended.
 */
public final class LoopbackReceiver implements AutoCloseable {
    private final RedirectUri redirect;
    private final String state;
    private final Function<String, Connected> onCode;
    private final PrintWriter out;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ccsync-authorize-receiver");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Connected> result = new CompletableFuture<>();

    /**
     * Binds at once, so a busy port is reported before the person is sent to the browser.
     *
     * @param onCode exchanges and stores a code; its exception message is shown to the person
     * @param out    where refused answers are reported while waiting
     */
    public LoopbackReceiver(RedirectUri redirect, String state, Function<String, Connected> onCode, PrintWriter out) {
        this.redirect = redirect;
        this.state = state;
        this.onCode = onCode;
        this.out = out;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), redirect.port()), 0);
        } catch (BindException e) {
            throw new AuthorizationException("cannot listen on 127.0.0.1:" + redirect.port() + ", the port of the "
                    + "redirect URI " + redirect + ": another program is using it. Stop that program (or an earlier "
                    + "`ccsync authorize`), or register a redirect URI with a free port and set "
                    + "ccsync.oauth.redirect-uri to it.");
        } catch (IOException e) {
            throw new AuthorizationException("cannot listen on 127.0.0.1:" + redirect.port() + ": " + e.getMessage());
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The address actually listened on (127.0.0.1 and the redirect URI's port). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Waits for the redirect and the exchange it triggers.
     *
     * @throws AuthorizationException when the person denied access, the exchange failed, or nothing came in time
     */
    public Connected await(Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AuthorizationException("no answer reached " + redirect + " within " + Durations.words(timeout)
                    + ", so ccsync stopped waiting and stored nothing. If the browser showed an error about the "
                    + "redirect_uri, register exactly " + redirect + " for your application in the Constant Contact "
                    + "developer portal (character for character). If it could not open the page, run ccsync on the "
                    + "machine where the browser runs, or use `ccsync device-login`. Then run `ccsync authorize` "
                    + "again.");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new AuthorizationException(e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthorizationException("interrupted while waiting for the browser");
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getRawPath().equals(redirect.path())) {
                page(exchange, 404, "Not found", "This is ccsync's one-time authorization receiver; it only "
                        + "answers " + redirect.path() + ".");
                return;
            }
            if (result.isDone()) {
                page(exchange, 409, "Already done", "This authorization has already been handled. You can close "
                        + "this window.");
                return;
            }
            Map<String, String> p = query(exchange.getRequestURI().getRawQuery());
            if (!state.equals(p.get("state"))) {
                // A stale tab, another ccsync, or a forged request: not ours, never exchanged.
                out.println("Refused an answer at " + redirect + " whose state does not match this authorization "
                        + "(an older browser tab, or a request that did not come from Constant Contact). Still "
                        + "waiting for the right one.");
                out.flush();
                page(exchange, 400, "Refused", "This answer does not belong to the authorization ccsync is waiting "
                        + "for (its state does not match), so it was refused. Use the URL printed by the latest "
                        + "`ccsync authorize`.");
                return;
            }
            if (p.containsKey("error")) {
                AuthorizationException failure = denied(p.get("error"), p.get("error_description"));
                page(exchange, 400, "Not authorized", failure.getMessage());
                result.completeExceptionally(failure);
                return;
            }
            String code = p.get("code");
            if (code == null || code.isBlank()) {
                page(exchange, 400, "No code", "The answer carried neither a code nor an error. Still waiting.");
                return;
            }
            try {
                Connected connected = onCode.apply(code);
                page(exchange, 200, "Connected", "ccsync is connected to Constant Contact and the tokens are stored. "
                        + "You can close this window.");
                result.complete(connected);
            } catch (RuntimeException e) {
                page(exchange, 400, "Authorization failed", e.getMessage());
                result.completeExceptionally(e);
            }
        }
    }

    static AuthorizationException denied(String error, String description) {
        if ("access_denied".equals(error)) {
            return new AuthorizationException("access was denied on Constant Contact's consent page (access_denied), "
                    + "so no tokens were stored. Run `ccsync authorize` again and choose Allow, signed in as the "
                    + "account ccsync should manage.");
        }
        return new AuthorizationException("Constant Contact refused the authorization request (" + error
                + (description == null ? "" : ": " + description) + "). Check ccsync.oauth.client-id and "
                + "ccsync.oauth.scopes in config/application.properties, then run `ccsync authorize` again.");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }

    private static void page(HttpExchange exchange, int status, String title, String message) throws IOException {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ccsync: "
                + escape(title) + "</title></head><body style=\"font-family:sans-serif;margin:2em;max-width:50em\">"
                + "<h1 id=\"title\">" + escape(title) + "</h1><p id=\"message\">" + escape(message) + "</p></body>"
                + "</html>\n";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
