package io.ccsync.mapping;

import io.ccsync.auth.StartedConsumers;
import io.ccsync.auth.TokenCache;
import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.LiveMapping;
import io.ccsync.contact.MappingException;
import io.ccsync.delivery.ApiNames;
import io.ccsync.delivery.UnknownNameException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route policy for the routes that feed the API ({@code routePolicy: "reauthorizationGate,mappingGate"}): while the
 * mapping names a custom field or list that the Constant Contact account lacks, their consumers stop taking work, so
 * files wait untouched in the inbox and the CRM watermark stays. It says so once (a log line, and DOWN on
 * {@code /observe/health} naming each missing name and the fix), and {@link #check()} (the {@code mapping-check}
 * route) looks again when the mapping file is saved and every {@code ccsync.mapping.recheck-interval}, and opens by
 * itself when the names are there. With {@code ccsync.mapping.create-missing=true} it creates them instead.
 *
 * <p>Works beside the {@code reauthorizationGate}, which pauses the same consumers while the tokens are unusable: this
 * gate never starts a consumer while the tokens are unusable, and stops again one the other gate started while this
 * one is closed (its listener runs after the other's: the routes name {@code reauthorizationGate} first). Both gates
 * stop consumers only once Camel has started them; until then {@link GatedPolls} refuses the sources' polls.
 */
public final class MappingGate extends RoutePolicySupport {
    private static final Logger LOG = LoggerFactory.getLogger(MappingGate.class);
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    /** UNCHECKED: not yet asked (closed, so no file is taken before the check); OPEN; MISSING: closed on names. */
    public enum State { UNCHECKED, OPEN, MISSING }

    private final CamelContext context;
    private final Supplier<LiveMapping> liveMapping;
    private final Supplier<ApiNames> apiNames;
    private volatile boolean wired;
    private final Supplier<TokenCache> tokens;
    private final MissingNames creator;
    private final Duration recheck;
    private final Clock clock;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    /** The consumers this gate stopped: the only ones it starts again (a route switched off stays off). */
    private final Set<Consumer> paused = ConcurrentHashMap.newKeySet();
    private volatile State state;
    private volatile List<UnknownNameException.Missing> missing = List.of();
    private volatile String problem;
    private final Object checkLock = new Object();
    private Instant lastAsked;

    /**
     * @param checkAtStart {@code ccsync.delivery.check-names-at-start}: closed until the first check (true), or open
     *                     from the start and asking the API only when the mapping file changes (false)
     * @param creator      creates missing names ({@code ccsync.mapping.create-missing=true}), or null
     */
    public MappingGate(CamelContext context, Supplier<LiveMapping> mapping, Supplier<ApiNames> names,
            Supplier<TokenCache> tokens, MissingNames creator, boolean checkAtStart, Duration recheck, Clock clock) {
        this.context = context;
        this.liveMapping = mapping;
        this.apiNames = names;
        this.tokens = tokens;
        this.creator = creator;
        this.recheck = recheck;
        this.clock = clock;
        this.state = checkAtStart ? State.UNCHECKED : State.OPEN;
    }

    /** The beans are bound by delivery's configuration, maybe after this gate: looked up when first needed. */
    private synchronized ApiNames names() {
        ApiNames names = apiNames.get();
        if (names == null) {
            throw new IllegalStateException("no apiNames bean: delivery's configuration did not run");
        }
        if (!wired) {
            wired = true;
            // delivery met a missing name itself (a check that could not be made at start): close, off its thread
            names.onMissingNames(e -> daemon("mapping-gate", () -> closed(e.missing())));
        }
        return names;
    }

    public State state() {
        return state;
    }

    /** The names the account lacks while the gate is closed on them (empty otherwise). */
    public List<UnknownNameException.Missing> missing() {
        return missing;
    }

    /** Why the gate is closed, with the fix; null while open. */
    public String problem() {
        return problem;
    }

    public Path mappingFile() {
        return liveMapping.get().file();
    }

    /**
     * Reads the mapping file again when it changed, and asks Constant Contact for the mapping's names when the file
     * changed, at the first check, or while closed once {@code recheck} has passed. Never throws.
     */
    public void check() {
        synchronized (checkLock) { // not the gate's own lock: the API calls below may wait on the token cache
            checkNow();
        }
    }

    private void checkNow() {
        if (!context.getStatus().isStarted()) {
            return; // direct:resolve-names may not take calls yet
        }
        LiveMapping mapping = liveMapping.get();
        ApiNames names = names();
        boolean reloaded = false;
        try {
            Optional<ContactMapping> changed = mapping.reloadIfChanged();
            if (changed.isPresent()) {
                LOG.info("{} changed: the new mapping is in use; checking its names in Constant Contact",
                        mapping.file());
                reloaded = true;
            }
        } catch (MappingException e) {
            LOG.warn("{} was saved with a mistake and is not applied; the mapping as it was stays in use: {}",
                    mapping.file(), e.getMessage());
        }
        Instant now = clock.instant();
        boolean due = reloaded || state == State.UNCHECKED
                || state == State.MISSING && (lastAsked == null || !now.isBefore(lastAsked.plus(recheck)));
        if (!due) {
            return;
        }
        lastAsked = now;
        try {
            ContactMapping current = mapping.get();
            ApiNames.Account account = names.check(current);
            List<UnknownNameException.Missing> lacking = account.missing(current);
            String refused = null;
            if (!lacking.isEmpty() && creator != null) {
                refused = creator.create(account, lacking);
                account = names.check(current);
                lacking = account.missing(current);
            }
            if (lacking.isEmpty()) {
                opened();
            } else {
                closed(lacking, refused);
            }
        } catch (RuntimeException e) {
            if (state == State.UNCHECKED) {
                // not a missing name: delivery reads the names itself, with its retries, and tells us if one lacks
                LOG.warn("Could not check the mapping's names in Constant Contact ({}); the sources start and delivery "
                        + "checks them when the first records arrive", e.getMessage());
                opened();
            }
        }
    }

    private void closed(List<UnknownNameException.Missing> lacking) {
        closed(lacking, null);
    }

    private synchronized void closed(List<UnknownNameException.Missing> lacking, String refused) {
        String message = UnknownNameException.message(mappingFile().toString(), lacking)
                + (refused == null ? "" : " " + refused)
                + " The sources are paused (files wait in the inbox); ccsync checks again when the mapping file is "
                + "saved and every " + recheck.toString().substring(2).toLowerCase(java.util.Locale.ROOT) + ".";
        if (state != State.MISSING || !lacking.equals(missing) || !message.equals(problem)) {
            LOG.error(message); // once per distinct problem, no stack trace
        }
        missing = List.copyOf(lacking);
        problem = message;
        state = State.MISSING;
        routes.values().forEach(r -> settle(r.getConsumer()));
    }

    private synchronized void opened() {
        if (state == State.MISSING) {
            LOG.info("The mapping's custom fields and lists exist in Constant Contact now: the sources resume");
        } else if (state == State.UNCHECKED) {
            LOG.info("The mapping's custom fields and lists exist in Constant Contact");
        }
        state = State.OPEN;
        missing = List.of();
        problem = null;
        for (Consumer consumer : Set.copyOf(paused)) {
            settle(consumer);
        }
    }

    @Override
    public void onInit(Route route) {
        names(); // so that delivery's own discovery of a missing name reaches this gate
        routes.put(route.getRouteId(), route);
        // the reauthorization gate starts consumers when tokens come back: stop them again while this one is closed
        tokens.get().onAuthorizationChange(usable -> {
            if (usable && routes.get(route.getRouteId()) == route) {
                settle(route.getConsumer());
            }
        });
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route.getRouteId(), route);
        paused.remove(route.getConsumer());
    }

    @Override
    public void onStart(Route route) {
        if (state != State.OPEN) {
            // Camel calls this before it starts the consumer; one stopped now would be started anyway: wait for it
            daemon("mapping-gate-" + route.getRouteId(), () -> settleWhenStarted(route.getConsumer()));
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }

    private void settleWhenStarted(Consumer consumer) {
        StartedConsumers.awaitRunning(consumer, START_WAIT);
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        settle(consumer);
    }

    /** Brings one consumer in line with the gate: stopped while closed; started again when open and tokens usable. */
    private synchronized void settle(Consumer consumer) {
        try {
            if (state != State.OPEN) {
                if (ServiceHelper.isStarted(consumer)) {
                    stopConsumer(consumer);
                    paused.add(consumer);
                }
            } else if (paused.contains(consumer) && tokens.get().usable()) {
                paused.remove(consumer);
                startConsumer(consumer);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot " + (state == State.OPEN ? "resume " : "pause ") + consumer, e);
        }
    }
}
