package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.source.InboxFile;
import io.ccsync.contract.SourceRecord;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.component.bean.DefaultParameterMappingStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The objects made per chunk, batch or record, which the routes read with Simple ({@code ${body.report()}},
 * {@code ${exchangeProperty.CcsyncWork.running()}}), must not take a parameter Camel fills in by type (Exchange,
 * Message, Exception, CamelContext, TypeConverter, Registry) in a public method: Camel then caches their bean info
 * per instance, up to a thousand instances with everything they hold. That is how a million-row file once ran out of
 * a 256 MB heap after 70,000 rows.
 */
class PerExchangeObjectsTest {

    @ParameterizedTest
    @ValueSource(classes = {Chunk.class, BulkBatch.class, Item.class, Outbox.class, DeliveryReport.class, SourceRecord.class,
            InboxFile.class, NameLookup.class, ImportTaggings.class})
    void noPublicMethodTakesAParameterCamelBindsByType(Class<?> type) {
        List<String> offending = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
                continue;
            }
            for (Class<?> parameter : method.getParameterTypes()) {
                if (DefaultParameterMappingStrategy.INSTANCE.getDefaultParameterTypeExpression(parameter) != null) {
                    offending.add(method.getName() + "(" + parameter.getSimpleName() + ")");
                }
            }
        }
        assertThat(offending).as("public methods of %s", type.getSimpleName()).isEmpty();
    }
}
