package io.ccsync.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpResponseInterceptor;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the token endpoint's answer at the HTTP layer: the raw body bytes are written to the store's kept-answer slot
 * (and synced) as the HTTP client reads them, before Camel converts anything or ccsync parses anything. With strict
 * rotation the server has already retired the old refresh token when it sends this answer, so until these bytes are
 * kept a killed process loses the chain: this class makes that window as short as the machine allows.
 *
 * <p>How: the token route calls {@link #arm} right before its HTTP call, which opens the store's {@link AnswerSlot}
 * (the file created and opened, or a connection with the UPDATE prepared) and, once per JVM, rehearses the whole
 * response path (a loopback request through an HTTP client built like the real one, this interceptor and the slot's
 * write) so that no class is loaded or first run after the server's last byte. The token endpoint's HTTP client gets
 * this class as its {@link HttpClientConfigurer}: a response interceptor that, on the armed thread and for a 200,
 * reads the body to its end, keeps it, and hands Camel the same bytes. Compression is off for that client, so the
 * bytes kept are the answer itself. It marks the exchange {@link TokenRefreshSteps#ANSWER_KEPT}; if keeping failed the
 * answer still goes on, and the route's {@code keepArrivedAnswer} step keeps it through the store (fenced) instead.
 */
public final class TokenAnswerJournal implements HttpClientConfigurer, HttpResponseInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAnswerJournal.class);
    /** Far above any token answer (a few KB); a larger body is not one. */
    static final int MAX_ANSWER = 4 * 1024 * 1024;
    private static final Object REHEARSAL_LOCK = new Object();
    private static volatile boolean httpRehearsed;
    private static volatile Timing last;

    private final TokenStore store;
    private volatile Armed armed;
    private volatile boolean slotRehearsed;

    public TokenAnswerJournal(TokenStore store) {
        this.store = store;
    }

    /** The last answer kept in this JVM: when its last byte was read and when it was durable. For the benchmark. */
    public record Timing(long lastByteNanos, long safeNanos, long durableNanos, Instant durableAt, int bytes) {
        /** From the last byte read to the answer durable (synced or committed). */
        public long windowMicros() {
            return (durableNanos - lastByteNanos) / 1_000;
        }

        /** From the last byte read to the answer safe from a killed process (written; for jdbc, committed). */
        public long killSafeMicros() {
            return (safeNanos - lastByteNanos) / 1_000;
        }
    }

    public static Timing lastTiming() {
        return last;
    }

    private record Armed(Thread thread, AnswerSlot slot, boolean rehearsal, Exchange exchange) {
    }

    /**
     * Route step, right before the call to the token endpoint: the slot for this attempt's answer, opened now. The
     * slot is closed when the answer is kept, on the next attempt, or when the exchange ends.
     */
    public void arm(Exchange exchange) {
        disarm();
        AnswerSlot slot = store.openAnswerSlot();
        try {
            rehearse(slot);
        } catch (RuntimeException e) {
            LOG.debug("Could not rehearse keeping the token answer ({}); the answer will be kept all the same",
                    e.toString());
        }
        Armed mine = new Armed(Thread.currentThread(), slot, false, exchange);
        armed = mine;
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                disarm(mine);
            }
        });
    }

    private void disarm() {
        Armed a = armed;
        if (a != null) {
            disarm(a);
        }
    }

    private void disarm(Armed a) {
        if (armed == a) {
            armed = null;
        }
        a.slot.close();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableContentCompression(); // the bytes on the wire are the answer itself, nothing to inflate
        builder.addResponseInterceptorFirst(this);
    }

    @Override
    public void process(HttpResponse response, EntityDetails details, HttpContext context) throws IOException {
        Armed a = armed;
        if (a == null || a.thread != Thread.currentThread()) {
            return; // not a call this journal was armed for
        }
        armed = null;
        try {
            if (response.getCode() != 200 || !(response instanceof ClassicHttpResponse classic)
                    || classic.getEntity() == null) {
                return; // only a 200 carries a rotated pair
            }
            HttpEntity entity = classic.getEntity();
            byte[] body;
            try (InputStream in = entity.getContent()) {
                body = in.readNBytes(MAX_ANSWER + 1);
            }
            long lastByte = System.nanoTime();
            if (body.length > MAX_ANSWER) {
                throw new IOException("the token endpoint answered more than " + MAX_ANSWER + " bytes: not a token "
                        + "answer");
            }
            long safe = keep(a, body);
            long durable = System.nanoTime();
            if (safe != 0 && !a.rehearsal) {
                last = new Timing(lastByte, safe, durable, Instant.now(), body.length);
                // the same bytes go on as the body: the route's own keep step has nothing left to do
                a.exchange.setProperty(TokenRefreshSteps.ANSWER_KEPT, true);
                LOG.debug("Kept the token endpoint's answer in {} at the HTTP layer, {} µs after its last byte",
                        a.slot.describe(), (durable - lastByte) / 1_000);
            }
            classic.setEntity(new ByteArrayEntity(body, ContentType.parseLenient(entity.getContentType()),
                    entity.getContentEncoding()));
        } finally {
            if (!a.rehearsal) {
                a.slot.close(); // after the durable point: not in the window
            }
        }
    }

    /** The instant the answer was safe from a killed process, or 0 when it was not kept. */
    private static long keep(Armed a, byte[] body) {
        try {
            if (a.rehearsal) {
                a.slot.rehearse(body);
                return System.nanoTime();
            }
            return a.slot.keep(body);
        } catch (IOException | RuntimeException e) {
            // The answer goes on to Camel all the same; TokenRefreshSteps keeps it through the store.
            LOG.warn("Could not keep the token endpoint's answer in {} as it arrived ({}); keeping it after reading",
                    a.slot.describe(), e.getMessage());
            return 0;
        }
    }

    // ---- the rehearsal: every class and first call of the response path, done before the real request ----

    private void rehearse(AnswerSlot slot) {
        if (!slotRehearsed) {
            try {
                slot.rehearse(dummyAnswer());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            slotRehearsed = true;
        }
        if (httpRehearsed) {
            return;
        }
        synchronized (REHEARSAL_LOCK) {
            if (!httpRehearsed) {
                rehearseHttp(slot);
                httpRehearsed = true;
            }
        }
    }

    /** One request to a loopback socket answering like a token endpoint, through this interceptor. */
    private void rehearseHttp(AnswerSlot slot) {
        byte[] answer = dummyAnswer();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5_000);
            Thread peer = new Thread(() -> answerOnce(server, answer), "ccsync-token-rehearsal");
            peer.setDaemon(true);
            peer.start();
            HttpClientBuilder builder = HttpClientBuilder.create();
            configureHttpClient(builder);
            try (CloseableHttpClient client = builder.build()) {
                HttpPost post = new HttpPost("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                        + server.getLocalPort() + "/token");
                post.setEntity(new StringEntity("grant_type=rehearsal", ContentType.APPLICATION_FORM_URLENCODED));
                armed = new Armed(Thread.currentThread(), slot, true, null);
                client.execute(post, response -> EntityUtils.toByteArray(response.getEntity()));
            } finally {
                armed = null;
                peer.join(5_000);
            }
        } catch (IOException e) {
            LOG.debug("Could not rehearse the token answer's HTTP path ({})", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answerOnce(ServerSocket server, byte[] answer) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int read;
            int total = 0;
            String head = "";
            // read the request head and its small form body (Content-Length is at most a few bytes here)
            while ((read = in.read(buffer, total, buffer.length - total)) > 0) {
                total += read;
                head = new String(buffer, 0, total, StandardCharsets.ISO_8859_1);
                int end = head.indexOf("\r\n\r\n");
                if (end >= 0 && total >= end + 4 + "grant_type=rehearsal".length()) {
                    break;
                }
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(answer);
            out.flush();
        } catch (IOException ignored) {
            // the rehearsal is best effort
        }
    }

    /** Shaped like a token answer (two JWT-sized strings), of no value. */
    private static byte[] dummyAnswer() {
        String filler = "x".repeat(900);
        return ("{\"access_token\":\"" + filler + "\",\"token_type\":\"Bearer\",\"expires_in\":86400,"
                + "\"refresh_token\":\"" + filler + "\",\"scope\":\"contact_data offline_access\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
