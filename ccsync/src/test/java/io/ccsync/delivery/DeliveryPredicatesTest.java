package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The named predicates the delivery routes decide their flow with. */
class DeliveryPredicatesTest {
    private static final Pattern REF = Pattern.compile("ref:\\s*\\n\\s*expression:\\s*(\\w+)");

    @Test
    void everyPredicateTheRoutesReferToExistsAndEveryOneIsUsed() throws IOException {
        TreeSet<String> referred = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                Matcher m = REF.matcher(Files.readString(f));
                while (m.find()) {
                    referred.add(m.group(1));
                }
            }
        }
        assertThat(referred).isEqualTo(new TreeSet<>(DeliveryPredicates.all().keySet()));
    }

    @Test
    void askedAboutWorkOfAnotherKindItSaysWhichAndWhat() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Work.PROPERTY, new NameLookup());

        assertThatThrownBy(() -> DeliveryPredicates.all().get("importRunning").matches(exchange))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The predicate importRunning asks about the BulkBatch in the exchange property CcsyncWork, "
                        + "which holds a NameLookup: set it before this step");
    }

    @Test
    void theyReadTheWorkAsItIsNow() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        NameLookup lookup = new NameLookup();
        exchange.setProperty(Work.PROPERTY, lookup);
        var morePages = DeliveryPredicates.all().get("moreTagPages");

        assertThat(morePages.matches(exchange)).isTrue();
        lookup.tagPage(java.util.Map.of("vip", "t1"), null);
        assertThat(morePages.matches(exchange)).isFalse();
        assertThat(List.of(morePages.toString())).containsExactly("moreTagPages");
    }
}
