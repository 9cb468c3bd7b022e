package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What a calling route asks of direct:constant-contact becomes the HTTP request, and never an HTTP header. */
class ApiRequestTest {
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());
    private final ApiRequest request = new ApiRequest();

    @Test
    void aGetSendsTheMethodPathAndQueryAndNoBody() {
        exchange.getMessage().setHeader(ApiRequest.CALL, "GET /contacts");
        exchange.getMessage().setHeader(ApiRequest.QUERY, "email=a%40b.c&status=all");
        exchange.getMessage().setBody("an earlier answer");

        request.process(exchange);

        assertThat(exchange.getMessage().getHeaders()).containsEntry(Exchange.HTTP_METHOD, "GET")
                .containsEntry(Exchange.HTTP_PATH, "/contacts").containsEntry(Exchange.HTTP_QUERY,
                        "email=a%40b.c&status=all")
                .doesNotContainKeys(ApiRequest.CALL, ApiRequest.QUERY, ApiRequest.ANSWERS, Exchange.CONTENT_TYPE);
        assertThat(exchange.getMessage().getBody()).isNull();
        assertThat(exchange.getProperty(ApiRequest.OK_STATUSES)).isEqualTo("200-299");
    }

    @Test
    void aPutSendsItsBodyAsJsonAndNoQueryOfAnEarlierCall() {
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY, "limit=50");
        exchange.getMessage().setHeader(ApiRequest.CALL, "PUT /contacts/0f1e2d");
        exchange.getMessage().setBody("{\"first_name\":\"Ann\"}");

        request.process(exchange);

        assertThat(exchange.getMessage().getHeaders()).containsEntry(Exchange.HTTP_METHOD, "PUT")
                .containsEntry(Exchange.HTTP_PATH, "/contacts/0f1e2d")
                .containsEntry(Exchange.CONTENT_TYPE, "application/json").doesNotContainKey(Exchange.HTTP_QUERY);
        assertThat(exchange.getMessage().getBody()).isEqualTo("{\"first_name\":\"Ann\"}");
    }

    @Test
    void aCallerThatReadsEveryStatusSaysSo() {
        exchange.getMessage().setHeader(ApiRequest.CALL, "POST /contact_tags");
        exchange.getMessage().setHeader(ApiRequest.ANSWERS, "100-599");

        request.process(exchange);

        assertThat(exchange.getProperty(ApiRequest.OK_STATUSES)).isEqualTo("100-599");
        assertThat(exchange.getMessage().getHeaders()).doesNotContainKey(ApiRequest.ANSWERS);
    }

    @Test
    void aCallWithoutMethodAndPathIsRefusedWithTheFix() {
        exchange.getMessage().setHeader(ApiRequest.CALL, "/contacts");

        assertThatThrownBy(() -> request.process(exchange)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CcsyncApiCall").hasMessageContaining("\"GET /contacts\"")
                .hasMessageContaining("got \"/contacts\"");
    }

    @Test
    void answersThatAreNotStatusesAreRefused() {
        exchange.getMessage().setHeader(ApiRequest.CALL, "GET /contacts/1");
        exchange.getMessage().setHeader(ApiRequest.ANSWERS, "404s");

        assertThatThrownBy(() -> request.process(exchange)).hasMessageContaining("\"200-299,404\"")
                .hasMessageContaining("\"404s\"");
    }
}
