package io.ccsync.delivery;


import io.ccsync.contact.ApiIds;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contract.SourceRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The first step of {@code direct:contacts}: every source record mapped and validated. A record that breaks a rule
 * is rejected with the field and the rule and the rest of the chunk goes on; list and tag names become ids here, so a
 * list or tag named in a record's column that the account lacks rejects that record only.
 */
public final class DeliveryIntake {
    /** Header a source sets (to "true") only when it is configured as a genuine sign-up source. */
    public static final String SIGN_UP = "CcsyncSignUp";
    /**
     * Header {@code ccsync replay} sets (to "true"): the records come from the dead letter, maybe days old, so a
     * sign-up among them checks its contact's current consent first (see {@link Item#signUpForm()}).
     */
    public static final String REPLAY = "CcsyncReplay";

    private final Supplier<ContactPipeline> pipeline;
    private final ApiNames names;

    /** {@code pipeline}: the one of the mapping in use now (the mapping may be reloaded while ccsync runs). */
    public DeliveryIntake(Supplier<ContactPipeline> pipeline, ApiNames names) {
        this.pipeline = pipeline;
        this.names = names;
    }

    public Chunk map(@Body List<SourceRecord> records, @Header(SIGN_UP) String signUpHeader,
            @Header(REPLAY) String replayHeader) {
        boolean signUp = isTrue(signUpHeader);
        boolean replay = isTrue(replayHeader);
        ContactPipeline pipeline = this.pipeline.get(); // one mapping for the whole chunk
        List<Item> items = new ArrayList<>(records.size());
        Set<String> listNames = new LinkedHashSet<>();
        Set<String> tagNames = new LinkedHashSet<>();
        for (SourceRecord record : records) {
            Item item = new Item(record, pipeline.map(record.fields()), signUp, replay);
            if (item.pending()) {
                listNames.addAll(item.contact().listNames());
                tagNames.addAll(item.contact().tagNames());
            }
            items.add(item);
        }
        if (items.stream().anyMatch(Item::pending)) {
            ApiIds ids = names.ids(listNames, tagNames);
            // the usual case, every name known: no record needs looking at (a stream per record was 2% of the CPU)
            boolean allKnown = ids.listIds().keySet().containsAll(listNames)
                    && ids.tagIds().keySet().containsAll(tagNames);
            for (Item item : items) {
                if (!item.pending()) {
                    continue;
                }
                if (allKnown) {
                    item.ids(ids);
                    continue;
                }
                String list = item.contact().listNames().stream().filter(n -> !ids.listIds().containsKey(n))
                        .findFirst().orElse(null);
                String tag = item.contact().tagNames().stream().filter(n -> !ids.tagIds().containsKey(n))
                        .findFirst().orElse(null);
                if (list != null) {
                    item.reject("list_memberships", "Constant Contact has no list named '" + list
                            + "': create it or correct the record");
                } else if (tag != null) {
                    item.reject("taggings", "Constant Contact has no tag named '" + tag + "': create it (Contacts > "
                            + "Tags) or correct the record");
                } else {
                    item.ids(ids);
                }
            }
        }
        return new Chunk(items);
    }

    private static boolean isTrue(String header) {
        return header != null && "true".equalsIgnoreCase(header.trim());
    }
}
