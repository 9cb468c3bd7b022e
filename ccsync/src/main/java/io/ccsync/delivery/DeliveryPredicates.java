package io.ccsync.delivery;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * The questions the delivery routes ask about the exchange's {@link Work}, as named {@link Predicate} beans that the
 * routes reference by name ({@code expression: {ref: {expression: importRunning}}}). Each is a singleton that
 * reads the work in Java: no route calls a method on a per-exchange object through Simple, so no such object can
 * end up in Camel's caches (the bean-info cache once kept a thousand import batches alive).
 */
public final class DeliveryPredicates {

    private DeliveryPredicates() {
    }

    /** Every predicate by its bean name. */
    public static Map<String, Predicate> all() {
        Map<String, Predicate> all = new LinkedHashMap<>();
        // the bulk path (routes/delivery.camel.yaml: bulk-follow, bulk-post)
        add(all, "importRunning", BulkBatch.class, BulkBatch::running);
        add(all, "importPostTried", BulkBatch.class, BulkBatch::tried);
        add(all, "importActivityUnknown", BulkBatch.class, b -> b.activityId() == null);
        // the single path (upsert-contact)
        add(all, "contactLookUpFirst", Item.class, Item::lookUpFirst);
        add(all, "signUpForm", Item.class, Item::signUpForm);
        add(all, "contactNotFound", Item.class, i -> i.existing() == null);
        // the tags of an import (bulk-tag)
        add(all, "importHasTags", ImportTaggings.class, ImportTaggings::needed);
        add(all, "taggedContactsToFind", ImportTaggings.class, ImportTaggings::finding);
        add(all, "taggingsToPost", ImportTaggings.class, ImportTaggings::posting);
        add(all, "taggingsRunning", ImportTaggings.class, ImportTaggings::running);
        // the account's names (resolve-names)
        add(all, "moreTagPages", NameLookup.class, n -> n.tagsQuery() != null);
        return all;
    }

    private static <T extends Work> void add(Map<String, Predicate> all, String name, Class<T> type,
            java.util.function.Predicate<T> test) {
        all.put(name, new OfWork<>(name, type, test));
    }

    /** A question about the exchange's work of one type; named after its bean, as Camel's tooling shows it. */
    private record OfWork<T extends Work>(String name, Class<T> type, java.util.function.Predicate<T> test)
            implements Predicate {
        @Override
        public boolean matches(Exchange exchange) {
            Object work = exchange.getProperty(Work.PROPERTY);
            if (!type.isInstance(work)) {
                throw new IllegalStateException("The predicate " + name + " asks about the " + type.getSimpleName()
                        + " in the exchange property " + Work.PROPERTY + ", which holds "
                        + (work == null ? "nothing" : "a " + work.getClass().getSimpleName())
                        + ": set it before this step");
            }
            return test.test(type.cast(work));
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
