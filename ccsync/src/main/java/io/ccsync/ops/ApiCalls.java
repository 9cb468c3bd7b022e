package io.ccsync.ops;

import java.net.URI;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Counts every HTTP call to the V3 API ({@code ccsync.api.base-url}) by endpoint template and status, whichever route
 * made it and however it ended: the status of the answer, the status of an {@link HttpOperationFailedException}, or
 * {@code none} when no answer came (a timeout, a dropped connection). Watches from outside, so the API routes stay as
 * they are: as the http components' activity listener it notes each request's path on its exchange (a {@code toD}
 * sends to the bare host, with the path only in the request), and the exchange-sent event that follows counts it.
 * Ids in the path become {@code {id}}: {@code /contacts/{id}}, {@code /activities/{id}}.
 */
final class ApiCalls extends EventNotifierSupport implements HttpActivityListener {
    /** A path segment that is an id rather than a name: it holds a digit (UUIDs, activity ids). */
    private static final Pattern ID = Pattern.compile(".*\\d.*");
    /** Exchange property: the path of the HTTP request being sent, from the request to its exchange-sent event. */
    private static final String PATH = "CcsyncHttpRequestPath";

    private final Metrics metrics;
    private final String basePath;

    /** {@code baseUrl}: the API's base, {@code https://api.cc.email/v3}; its path is left out of the endpoint. */
    ApiCalls(Metrics metrics, String baseUrl) {
        this.metrics = metrics;
        this.basePath = trimSlash(URI.create(baseUrl).getRawPath());
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request,
            HttpEntity entity) {
        exchange.setProperty(PATH, request.getPath());
    }

    @Override
    public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response,
            HttpEntity entity, long elapsed) {
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeSentEvent) event).getExchange();
        String path = exchange.getProperty(PATH, String.class);
        if (path != null) {
            exchange.removeProperty(PATH);
            String endpoint = endpoint(path);
            if (endpoint != null) {
                metrics.apiCall(endpoint, status(exchange));
            }
        }
    }

    /** The path below the API's base as a template ("/contacts/{id}"), or null when it is not the API's. */
    String endpoint(String requestPath) {
        int query = requestPath.indexOf('?');
        String path = trimSlash(query < 0 ? requestPath : requestPath.substring(0, query));
        if (!basePath.isEmpty()) {
            if (!(path.equals(basePath) || path.startsWith(basePath + "/"))) {
                return null;
            }
            path = trimSlash(path.substring(basePath.length()));
        }
        StringBuilder template = new StringBuilder();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                template.append('/').append(ID.matcher(segment).matches() ? "{id}" : segment);
            }
        }
        return template.isEmpty() ? "/" : template.toString();
    }
    static String status(Exchange exchange) {
        for (Throwable t = exchange.getException(); t != null; t = t.getCause()) {
            if (t instanceof HttpOperationFailedException failed) {
                return Integer.toString(failed.getStatusCode());
            }
        }
        if (exchange.getException() != null) {
            return "none";
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code == null ? "none" : code.toString();
    }

    private static String trimSlash(String s) {
        if (s == null) {
            return "";
        }
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }
}
