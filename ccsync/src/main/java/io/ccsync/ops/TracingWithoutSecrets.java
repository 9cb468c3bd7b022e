package io.ccsync.ops;

import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.console.TraceDevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.SensitiveUtils;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * Camel's message tracer copies every header and body it sees, unmasked ({@code camel.main.log-mask} does not reach
 * it): the {@code Authorization: Bearer} header of each API call, the Basic client credentials and the refresh token in
 * the token route's request, the token pair in its answer. Every trace leaves ccsync through the developer console
 * {@code trace} (read by camel-cli-connector into ~/.camel/PID-trace.json for {@code camel trace}, and served at
 * {@code /q/dev/trace}), so this puts a console of the same id in its place that hands on the same traces with
 * {@code Authorization} and every header Camel deems sensitive masked, and the bodies and headers of the token routes
 * ({@code token-*}) masked whole. The token routes are not traced at all either ({@code camel.trace.trace-filter}
 * and-ed with the operator's own), so they never sit in the tracer's memory.
 */
@Configuration
public class TracingWithoutSecrets implements CamelConfiguration {
    static final String MASK = "xxxxxx";
    /** The tracer's filter (Camel simple): the token routes are never traced. */
    static final String NOT_THE_TOKEN_ROUTES = "${routeId} !startsWith 'token'";

    @Override
    public void configure(CamelContext context) throws Exception {
        DevConsoleRegistry consoles = DevConsoleRegistry.get(context);
        if (consoles != null) {
            consoles.getConsole("trace").ifPresent(consoles::unregister);
            consoles.register(new MaskedTraceConsole(context));
        }
        context.addStartupListener((ctx, alreadyStarted) -> guardFilter(ctx));
    }

    static void guardFilter(CamelContext context) {
        org.apache.camel.spi.BacklogTracer tracer = context.getCamelContextExtension()
                .getContextPlugin(org.apache.camel.spi.BacklogTracer.class);
        if (tracer == null) {
            return;
        }
        String own = tracer.getTraceFilter();
        if (own == null || own.isBlank()) {
            tracer.setTraceFilter(NOT_THE_TOKEN_ROUTES);
        } else if (!own.contains(NOT_THE_TOKEN_ROUTES)) {
            tracer.setTraceFilter(own + " && " + NOT_THE_TOKEN_ROUTES);
        }
    }

    /** Camel's {@code trace} console, its output masked. */
    static final class MaskedTraceConsole extends AbstractDevConsole {
        private final TraceDevConsole camels = new TraceDevConsole();

        MaskedTraceConsole(CamelContext context) {
            super("camel", "trace", "Camel Tracing", "Trace routed messages (secrets masked by ccsync)");
            setCamelContext(context);
            camels.setCamelContext(context);
        }

        @Override
        protected void doStart() throws Exception {
            camels.start();
        }

        @Override
        protected void doStop() throws Exception {
            camels.stop();
        }

        @Override
        protected Map<String, Object> doCallJson(Map<String, Object> options) {
            JsonObject json = (JsonObject) camels.call(DevConsole.MediaType.JSON, options);
            if (json != null) {
                mask(json);
            }
            return json;
        }

        @Override
        protected String doCallText(Map<String, Object> options) {
            JsonObject json = (JsonObject) doCallJson(options);
            StringBuilder text = new StringBuilder();
            if (json != null && json.getCollection("traces") != null) {
                for (Object trace : json.getCollection("traces")) {
                    text.append(((JsonObject) trace).toJson()).append('\n');
                }
            }
            return text.toString();
        }
    }

    /** Masks, in a trace console's answer, what may carry a secret. */
    static void mask(JsonObject answer) {
        JsonArray traces = answer.getCollection("traces");
        if (traces == null) {
            return;
        }
        for (Object t : traces) {
            if (!(t instanceof JsonObject trace) || !(trace.get("message") instanceof JsonObject message)) {
                continue;
            }
            String routeId = trace.getString("routeId");
            boolean tokenRoute = routeId != null && routeId.startsWith("token");
            for (String part : new String[] {"headers", "exchangeProperties", "exchangeVariables"}) {
                if (message.get(part) instanceof JsonArray entries) {
                    for (Object e : entries) {
                        if (e instanceof JsonObject entry && (tokenRoute || sensitive(entry.getString("key")))) {
                            entry.put("value", MASK);
                        }
                    }
                }
            }
            if (tokenRoute && message.get("body") instanceof JsonObject body) {
                body.put("value", MASK);
            }
        }
    }

    private static boolean sensitive(String key) {
        return key != null && ("authorization".equalsIgnoreCase(key) || key.toLowerCase().contains("token")
                || SensitiveUtils.containsSensitive(key));
    }
}
