package io.ccsync.delivery;

import io.ccsync.contract.DeliveryReport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.source.InboxFile;
import io.ccsync.contract.SourceRecord;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.bean.BeanComponent;
import org.apache.camel.component.bean.BeanInfoCacheKey;
import org.apache.camel.component.bean.DefaultParameterMappingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The objects made per chunk, batch or record must not stay reachable from Camel's caches. The routes ask about the
 * exchange's work through singleton predicate beans (DeliveryPredicates), not Simple on the object, and where they
 * still read one with Simple ({@code ${body.report()}}) its class must not take a parameter Camel fills in by type
 * (Exchange, Message, Exception, CamelContext, TypeConverter, Registry) in a public method: Camel then caches its bean
 * info per instance, up to a thousand instances with everything they hold. That is how a million-row file once ran
 * out of a 256 MB heap after 70,000 rows.
 */
class PerExchangeObjectsTest {
    private static final List<Class<?>> PER_EXCHANGE = List.of(Work.class, Chunk.class, Outbox.class,
            DeliveryReport.class, SourceRecord.class, InboxFile.class);

    @TempDir
    Path dir;

    /** Through the real routes (one by one, and an import followed to its end), whatever the routes look like. */
    @Test
    void aDeliveryLeavesNoneOfItsObjectsInCamelsBeanInfoCache() throws ReflectiveOperationException {
        try (Testbed bed = Testbed.start(dir, Map.of("ccsync.delivery.single-below", "5"))) {
            bed.deliver(Testbed.people(0, 3));
            bed.deliver(Testbed.people(100, 20));

            BeanComponent beans = bed.ccsync.context().getComponent("bean", BeanComponent.class);
            Field cache = BeanComponent.class.getDeclaredField("beanInfoCache");
            cache.setAccessible(true);
            Field instance = BeanInfoCacheKey.class.getDeclaredField("instance");
            instance.setAccessible(true);
            List<String> kept = new ArrayList<>();
            for (Object key : List.copyOf(((Map<?, ?>) cache.get(beans)).keySet())) {
                Object held = instance.get(key);
                if (held != null && PER_EXCHANGE.stream().anyMatch(type -> type.isInstance(held))) {
                    kept.add(held.getClass().getSimpleName());
                }
            }
            assertThat(beans.getCurrentBeanCacheSize()).as("the cache the routes' bean calls use").isPositive();
            assertThat(kept).as("per-exchange objects kept by Camel's bean-info cache").isEmpty();
        }
    }

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
