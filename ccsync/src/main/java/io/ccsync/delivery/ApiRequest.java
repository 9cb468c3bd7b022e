package io.ccsync.delivery;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns what a route asks of {@code direct:constant-contact} into the HTTP request (routes/delivery-api.camel.yaml):
 * <ul>
 * <li>header {@value #CALL}: the method and the path below {@code ccsync.api.base-url}, {@code "GET /contacts"},
 * {@code "PUT /contacts/1f2e…"};</li>
 * <li>header {@value #QUERY} (optional): the query string, {@code "limit=50"};</li>
 * <li>header {@value #ANSWERS} (optional): the statuses that are answers for the caller to read rather than errors
 * for the error handler, as camel-http's {@code okStatusCodeRange} ({@code 200-299} unless given; {@code 100-599}
 * when the caller reads every status itself);</li>
 * <li>the body: sent as JSON with a POST or PUT, none with a GET or DELETE.</li>
 * </ul>
 * The three headers become {@code CamelHttpMethod}, {@code CamelHttpPath}, {@code CamelHttpQuery} and the exchange
 * property {@value #OK_STATUSES}, and are removed, so they never go out as HTTP headers. A retry of the caller's step
 * gets them back with the rest of its message.
 */
public final class ApiRequest implements Processor {
    public static final String CALL = "CcsyncApiCall";
    public static final String QUERY = "CcsyncApiQuery";
    public static final String ANSWERS = "CcsyncApiAnswers";
    /** Exchange property read by the route's HTTP endpoint ({@code okStatusCodeRange}). */
    public static final String OK_STATUSES = "CcsyncApiOkStatuses";
    static final String DEFAULT_ANSWERS = "200-299";

    private static final Pattern SHAPE = Pattern.compile("(GET|POST|PUT|PATCH|DELETE) /\\S*");
    private static final Pattern RANGES = Pattern.compile("\\d{3}(-\\d{3})?(,\\d{3}(-\\d{3})?)*");
    private static final Set<String> WITHOUT_BODY = Set.of("GET", "DELETE");

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        String call = message.getHeader(CALL, String.class);
        if (call == null || !SHAPE.matcher(call.trim()).matches()) {
            throw new IllegalArgumentException("direct:constant-contact needs the header " + CALL
                    + " as a method and a path below ccsync.api.base-url, like \"GET /contacts\"; it got "
                    + (call == null ? "none" : "\"" + call + "\""));
        }
        String answers = message.getHeader(ANSWERS, DEFAULT_ANSWERS, String.class).replace(" ", "");
        if (!RANGES.matcher(answers).matches()) {
            throw new IllegalArgumentException("The header " + ANSWERS + " of a call to Constant Contact takes status "
                    + "codes and ranges like \"200-299,404\"; it got \"" + answers + "\"");
        }
        String[] methodAndPath = call.trim().split(" ", 2);
        String method = methodAndPath[0].toUpperCase(Locale.ROOT);
        String query = message.getHeader(QUERY, String.class);
        message.removeHeaders("CcsyncApi*");
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader(Exchange.HTTP_PATH, methodAndPath[1]);
        if (query == null || query.isEmpty()) {
            message.removeHeader(Exchange.HTTP_QUERY);
        } else {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        if (WITHOUT_BODY.contains(method)) {
            message.setBody(null);
            message.removeHeader(Exchange.CONTENT_TYPE);
        } else {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        exchange.setProperty(OK_STATUSES, answers);
    }
}
