package io.ccsync.mapping;

import java.util.function.BooleanSupplier;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;

/**
 * Whether a source may take work now: only while both gates are open (the tokens usable, and the mapping's names
 * checked and present). The gates stop the sources' consumers, but Camel lets them do so only once it has started
 * those consumers and the whole context; on a busy machine a file consumer's first poll comes before that. So the
 * file sources ask here before each poll ({@code pollStrategy: "#gatedPolls"}: a refused poll reads no folder), and
 * the CRM poll asks as its first step: nothing is taken before the first name check, or while tokens are unusable.
 */
public final class GatedPolls extends DefaultPollingConsumerPollStrategy {
    private final BooleanSupplier open;

    /** @param open whether the gates are open now (MappingConfiguration: the mapping gate OPEN, the tokens usable) */
    public GatedPolls(BooleanSupplier open) {
        this.open = open;
    }

    public boolean open() {
        return open.getAsBoolean();
    }

    public boolean closed() {
        return !open();
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return open();
    }
}
