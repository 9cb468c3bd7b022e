// A second source written in Java, as a Camel engineer would add one: other systems (a web form's backend, a
// partner's export job) POST contacts as JSON to http://HOST:PORT/contacts, and get back what happened to them.
// Off by default: ccsync.rest.enabled=true switches it on, with Camel's HTTP server on ccsync.rest.port
// (docs/sources.md, "Routes in Java"). Saved while ccsync runs with live reload on, it is compiled and reloaded.
//
//   curl -s -H 'Content-Type: application/json' localhost:8081/contacts \
//        -d '[{"email":"jane@example.com","first_name":"Jane"}]'
//   -> 1 records: 1 created, 0 updated, ...
//
// The body may be one JSON object or an array of them; the fields are the columns config/mapping.yaml maps, as in a
// dropped JSON file (a nested object's fields as outer.inner). The endpoint has no authentication of its own: it
// listens on localhost unless ccsync.rest.host says otherwise; put an authenticating proxy in front of it.
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.SourceRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

public class RestContacts extends RouteBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void configure() {
        from("platform-http:/contacts?httpMethodRestrict=POST")
                .routeId("rest-contacts")
                .autoStartup("{{ccsync.rest.enabled}}")
                // while Constant Contact access needs re-authorization the route takes no new work
                .routePolicyRef("reauthorizationGate")
                // a body that is not JSON: 400 with the parser's reason, nothing delivered
                .onException(JsonProcessingException.class, IllegalArgumentException.class)
                    .handled(true)
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                    .setHeader(Exchange.CONTENT_TYPE, constant("text/plain"))
                    .setBody(simple("Not a JSON object or array of objects: ${exception.message}\n"))
                .end()
                .process(RestContacts::toRecords)
                // the same pipeline as the inbox and the CRM poll: map, validate, delta, deliver; InOut, so the
                // answer is the DeliveryReport once every record is delivered, unchanged, rejected or dead-lettered
                .to("direct:contacts")
                .log("REST contacts: ${body.summary()}")
                .setHeader(Exchange.CONTENT_TYPE, constant("text/plain"))
                .setBody(simple("${body.summary()}\n${body.rejected()}\n"));
    }

    /** The posted JSON as the List of SourceRecord that direct:contacts takes. */
    static void toRecords(Exchange exchange) throws JsonProcessingException {
        JsonNode posted = JSON.readTree(exchange.getMessage().getBody(String.class));
        if (posted == null || !(posted.isObject() || posted.isArray())) {
            throw new IllegalArgumentException("expected {...} or [{...}, ...]");
        }
        List<SourceRecord> records = new ArrayList<>();
        int item = 0;
        for (JsonNode contact : posted.isArray() ? posted : List.of(posted)) {
            item++;
            if (!contact.isObject()) {
                throw new IllegalArgumentException("item " + item + " is not an object");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            flatten("", contact, fields);
            records.add(new SourceRecord("rest", "item " + item, fields));
        }
        exchange.getMessage().setBody(records);
    }

    private static void flatten(String prefix, JsonNode object, Map<String, String> fields) {
        object.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                flatten(prefix + e.getKey() + ".", e.getValue(), fields);
            } else if (e.getValue().isArray()) {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(v.asText()));
                fields.put(prefix + e.getKey(), String.join(",", values));
            } else if (!e.getValue().isNull()) {
                fields.put(prefix + e.getKey(), e.getValue().asText());
            }
        });
    }
}
