package io.ccsync.bench;

import io.ccsync.auth.TokenProcessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * The cost of {@link TokenProcessor#process} on the hot path (the running ccsync's own bean, its token cached and
 * far from expiry): a hand-written harness, not JMH. Each thread reuses one exchange (the processor sets a property
 * and the Authorization header on it, as on every API call). 5 warm-up rounds, then 15 measured rounds of a fixed
 * duration; the median and the minimum of the rounds are reported.
 */
public final class TokenOverhead {
    private static final int WARMUP = 5;
    private static final int ROUNDS = 15;
    private static final long ROUND_NANOS = 400_000_000L;
    static volatile int sink;

    private TokenOverhead() {
    }

    public static Map<String, Object> measure(CamelContext context, TokenProcessor processor) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("harness", "hand-written: " + WARMUP + " warm-up + " + ROUNDS + " measured rounds of "
                + ROUND_NANOS / 1_000_000 + " ms");
        List<Double> single = rounds(context, processor, 1);
        r.put("single_median_ns", median(single));
        r.put("single_min_ns", Collections.min(single));
        List<Double> many = rounds(context, processor, 64);
        r.put("threads64_median_ns", median(many));
        r.put("threads64_min_ns", Collections.min(many));
        r.put("threads64_per_thread_median_ns", median(many) * 64);
        r.put("note", "64 threads: ns per call = round time / calls by all threads (the cost of a call when the "
                + "process makes many in parallel); as each thread sees it, 64x that, as 64 threads share "
                + Runtime.getRuntime().availableProcessors() + " cores");
        return r;
    }

    /** ns per call of each measured round, with {@code threads} threads calling together. */
    private static List<Double> rounds(CamelContext context, TokenProcessor processor, int threads) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(threads + 1);
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder calls = new LongAdder();
        AtomicBoolean finished = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                Exchange exchange = new DefaultExchange(context);
                try {
                    while (true) {
                        barrier.await();
                        if (finished.get()) {
                            return;
                        }
                        long n = 0;
                        int h = 0;
                        while (!stop.get()) {
                            for (int i = 0; i < 64; i++) {
                                processor.process(exchange);
                                h += exchange.getMessage().getHeader("Authorization", String.class).length();
                            }
                            n += 64;
                        }
                        sink += h;
                        calls.add(n);
                        barrier.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        List<Double> measured = new ArrayList<>();
        for (int round = 0; round < WARMUP + ROUNDS; round++) {
            calls.reset();
            stop.set(false);
            barrier.await();
            long start = System.nanoTime();
            Thread.sleep(ROUND_NANOS / 1_000_000);
            stop.set(true);
            barrier.await();
            long elapsed = System.nanoTime() - start;
            if (round >= WARMUP) {
                measured.add((double) elapsed / calls.sum());
            }
        }
        finished.set(true);
        barrier.await();
        for (Thread w : workers) {
            w.join();
        }
        return measured;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
