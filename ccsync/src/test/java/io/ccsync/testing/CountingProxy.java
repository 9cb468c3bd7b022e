package io.ccsync.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward HTTP proxy on a loopback port that passes plain-HTTP requests on (redirects are answered, not followed)
 * and remembers "METHOD path" of each, to prove which calls went through a configured proxy. No CONNECT: for http
 * targets such as the sandbox.
 */
public final class CountingProxy implements AutoCloseable {
    /** Headers the forwarding client sets itself or that belong to one hop. */
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "proxy-connection",
            "keep-alive", "transfer-encoding", "upgrade", "expect", "te");

    private final HttpServer server;
    private final HttpClient forward = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY).build();
    private final List<String> passed = new CopyOnWriteArrayList<>();

    private CountingProxy(HttpServer server) {
        this.server = server;
    }

    public static CountingProxy start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            CountingProxy proxy = new CountingProxy(server);
            server.createContext("/", proxy::pass);
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** "METHOD path" of every request that went through, in order. */
    public List<String> passed() {
        return List.copyOf(passed);
    }

    private void pass(HttpExchange in) throws IOException {
        try (in) {
            URI target = in.getRequestURI();
            if (!target.isAbsolute()) {
                in.sendResponseHeaders(400, -1); // not a proxy request
                return;
            }
            passed.add(in.getRequestMethod() + " " + target.getPath());
            byte[] body;
            try (InputStream requestBody = in.getRequestBody()) {
                body = requestBody.readAllBytes();
            }
            HttpRequest.Builder out = HttpRequest.newBuilder(target).method(in.getRequestMethod(), body.length == 0
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            in.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> out.header(name, v));
                }
            });
            HttpResponse<byte[]> answer = forward.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    in.getResponseHeaders().put(name, values);
                }
            });
            byte[] answerBody = answer.body();
            in.sendResponseHeaders(answer.statusCode(), answerBody.length == 0 ? -1 : answerBody.length);
            if (answerBody.length > 0) {
                try (OutputStream os = in.getResponseBody()) {
                    os.write(answerBody);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            in.sendResponseHeaders(502, -1);
        } catch (IOException e) {
            in.sendResponseHeaders(502, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
