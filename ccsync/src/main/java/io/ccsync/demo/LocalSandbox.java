package io.ccsync.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.spi.ToolProvider;

/**
 * The local Constant Contact, found at run time: {@code ccsync-sandbox.jar} beside {@code ccsync.jar} registers the
 * JDK tool {@value #TOOL}. ccsync never compiles against the sandbox, so the product jar holds none of it; what the
 * demo needs from a running one it reads over HTTP, as any client would.
 */
public final class LocalSandbox implements AutoCloseable {
    public static final String TOOL = "ccsync-sandbox";
    public static final String MISSING = "the sandbox is not installed beside ccsync: ccsync-sandbox.jar belongs next "
            + "to ccsync.jar (lib/ in the install folder, target/ after `mvn package`)";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final URI baseUrl;
    private final Thread thread;
    private final StringWriter errors;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalSandbox(URI baseUrl, Thread thread, StringWriter errors) {
        this.baseUrl = baseUrl;
        this.thread = thread;
        this.errors = errors;
    }

    /** The sandbox tool, when its jar is on the class path. */
    public static Optional<ToolProvider> tool() {
        return ToolProvider.findFirst(TOOL);
    }

    /**
     * Starts a sandbox in this process on {@code port} with {@code options} (the tool's flags) and returns once it
     * answers; stopped by {@link #close()}.
     */
    public static LocalSandbox start(int port, String... options) throws InterruptedException {
        ToolProvider tool = tool().orElseThrow(() -> new IllegalStateException(MISSING));
        refuseTakenPort(port);
        String[] args = new String[options.length + 2];
        args[0] = "--port";
        args[1] = Integer.toString(port);
        System.arraycopy(options, 0, args, 2, options.length);
        StringWriter errors = new StringWriter();
        Thread thread = new Thread(() -> tool.run(new PrintWriter(Writer.nullWriter()), new PrintWriter(errors, true),
                args), "ccsync-sandbox");
        thread.setDaemon(true);
        thread.start();
        LocalSandbox sandbox = new LocalSandbox(URI.create("http://localhost:" + port), thread, errors);
        sandbox.awaitAnswering();
        return sandbox;
    }

    /**
     * Another server on the port (an earlier demo still running) would answer the start-up check below in this one's
     * place, and the demo would authorize against it: say so instead.
     */
    private static void refuseTakenPort(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port)); // as it binds
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is taken (" + e.getMessage() + "): is an earlier demo or "
                    + "`ccsync sandbox` still running? Stop it, or set ccsync.demo.sandbox-url to another port.");
        }
    }

    private void awaitAnswering() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!thread.isAlive()) {
                throw new IllegalStateException("the sandbox did not start: " + errors.toString().strip());
            }
            try {
                if (get("/sandbox").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("the sandbox did not answer at " + baseUrl + " within " + START_TIMEOUT);
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** The page that shows its contacts, activities, tokens and requests. */
    public URI inspectorUrl() {
        return baseUrl.resolve("/sandbox");
    }

    /** How many contacts the account holds, from the inspector. */
    public int contactCount() throws IOException, InterruptedException {
        HttpResponse<String> answer = get("/sandbox/api/contacts");
        return new ObjectMapper().readTree(answer.body()).path("contacts").size();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the sandbox: the tool ends when its thread is interrupted. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
