package dev.attune.cli;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Latencies per operation, from any number of threads. */
final class Recorder {
    private final Map<String, ConcurrentLinkedQueue<Long>> nanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    /** Latencies of the 429 answers (refused for overload), apart from the requests that were served. */
    private final Map<String, ConcurrentLinkedQueue<Long>> refused = new ConcurrentHashMap<>();

    void add(String op, long startNanos, HttpResponse<String> response) {
        nanos.computeIfAbsent(op, k -> new ConcurrentLinkedQueue<>()).add(System.nanoTime() - startNanos);
        if (response.statusCode() >= 400) {
            errors.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** A 429 answer: counted and timed apart, since the request is sent again after its Retry-After. */
    void refused(String op, long startNanos) {
        refused.computeIfAbsent(op, k -> new ConcurrentLinkedQueue<>()).add(System.nanoTime() - startNanos);
    }

    /**
     * Served requests (count, latency quantiles in ms, errors among them), and the 429 answers: how many
     * and the slowest of them in ms (a refusal should come at once, not after queueing).
     */
    record Stats(int count, double p50, double p99, double max, int errors, int refused, double refusedMax) {}

    Stats stats(String op) {
        long[] all = nanos.getOrDefault(op, new ConcurrentLinkedQueue<>()).stream()
                .mapToLong(Long::longValue)
                .toArray();
        Arrays.sort(all);
        int errs = errors.getOrDefault(op, new AtomicInteger()).get();
        long[] no = refused.getOrDefault(op, new ConcurrentLinkedQueue<>()).stream()
                .mapToLong(Long::longValue)
                .toArray();
        double noMax = Arrays.stream(no).max().orElse(0) / 1e6;
        if (all.length == 0) {
            return new Stats(0, 0, 0, 0, errs, no.length, noMax);
        }
        return new Stats(
                all.length,
                quantile(all, 0.50),
                quantile(all, 0.99),
                all[all.length - 1] / 1e6,
                errs,
                no.length,
                noMax);
    }

    private static double quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
