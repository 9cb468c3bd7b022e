package io.ccsync.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another application using the same API key (client id) as ccsync, with its own authorization: every few seconds
 * it fires a burst of {@code GET /v3/contact_lists}, {@code size} requests spread over one second. The sandbox
 * counts its requests against the key's 4/s, so ccsync's requests around a burst meet real {@code throttled} 429s:
 * the sandbox decides, nothing is faked. Its requests carry the query parameter {@value #MARKER}, so the sandbox's
 * request log tells them from ccsync's. ({@code every} zero: one burst after another, a client hogging the key.)
 */
final class BurstClient implements AutoCloseable {
    static final String MARKER = "other_app=burst";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;
    private final String accessToken;
    private final Duration every;
    private final int size;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger bursts = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    /** Logs in as a second installation of the same client (a real code exchange) and starts firing. */
    private BurstClient(Sandbox sandbox, Duration every, int size, long seed) {
        this.sandbox = sandbox;
        this.every = every;
        this.size = size;
        this.random = new Random(seed);
        try {
            this.accessToken = JSON.readTree(SandboxLogin.login(sandbox)).path("access_token").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.thread = new Thread(this::fire, "faults-burst-client");
        thread.setDaemon(true);
    }

    /** {@code size} 0 or less: no bursts at all (a client that never starts). */
    static BurstClient start(Sandbox sandbox, Duration every, int size, long seed) {
        BurstClient client = new BurstClient(sandbox, every, size, seed);
        if (size > 0) {
            client.thread.start();
        }
        return client;
    }

    static boolean isBurst(LoggedRequest request) {
        return request.path().contains(MARKER);
    }

    /** Bursts fired so far. */
    int bursts() {
        return bursts.get();
    }

    private void fire() {
        while (running) {
            // "every few seconds": the interval varies by up to half either way, from the run's seed
            long pause = every.toMillis() / 2 + (long) (random.nextDouble() * every.toMillis());
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            bursts.incrementAndGet();
            // a burst is the other application running at {@code size} requests a second for one second: spread
            // out, its requests take every place the 4/s window frees, so ccsync's requests meet 429s
            List<CompletableFuture<HttpResponse<Void>>> inFlight = new ArrayList<>();
            long gap = 1_000 / size;
            for (int i = 0; i < size && running; i++) {
                HttpRequest request = HttpRequest.newBuilder(
                        URI.create(sandbox.apiUrl() + "/contact_lists?" + MARKER))
                        .header("Authorization", "Bearer " + accessToken).timeout(Duration.ofSeconds(10)).GET()
                        .build();
                inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
                try {
                    Thread.sleep(gap);
                } catch (InterruptedException e) {
                    break;
                }
            }
            for (CompletableFuture<HttpResponse<Void>> f : inFlight) {
                try {
                    f.join(); // the answer is in the sandbox's log; a dropped connection is an answer too
                } catch (RuntimeException dropped) {
                    // the sandbox's drop rate applies to this client as well
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
