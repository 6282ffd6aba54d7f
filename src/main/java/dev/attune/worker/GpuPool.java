package dev.attune.worker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPUs a worker hands to its trials, as Syne Tune's local backend rotates them: a starting trial gets
 * the {@code perTrial} GPUs with the fewest running trials, ties going to the GPU assigned least often so
 * far, then to the earliest given. With {@code --parallel} at most GPUs / perTrial no two running trials
 * share one.
 */
final class GpuPool {
    private final List<String> gpus;
    private final int perTrial;
    private final Map<String, Integer> busy = new HashMap<>();
    private final Map<String, Integer> assigned = new HashMap<>();

    GpuPool(List<String> gpus, int perTrial) {
        if (perTrial < 1) {
            throw new IllegalArgumentException("GPUs per trial must be at least 1, got " + perTrial);
        }
        if (!gpus.isEmpty() && perTrial > gpus.size()) {
            throw new IllegalArgumentException(
                    "a trial needs " + perTrial + " GPUs but the worker has " + gpus.size() + ": " + gpus);
        }
        this.gpus = List.copyOf(gpus);
        this.perTrial = perTrial;
    }

    boolean isEmpty() {
        return gpus.isEmpty();
    }

    /** How many trials can run at once without sharing a GPU. */
    int slots() {
        return gpus.isEmpty() ? 0 : gpus.size() / perTrial;
    }

    synchronized List<String> acquire() {
        if (gpus.isEmpty()) {
            return List.of();
        }
        List<String> order = new ArrayList<>(gpus);
        order.sort(Comparator.<String>comparingInt(g -> busy.getOrDefault(g, 0))
                .thenComparingInt(g -> assigned.getOrDefault(g, 0))
                .thenComparingInt(gpus::indexOf));
        List<String> chosen = List.copyOf(order.subList(0, perTrial));
        chosen.forEach(g -> {
            busy.merge(g, 1, Integer::sum);
            assigned.merge(g, 1, Integer::sum);
        });
        return chosen;
    }

    synchronized void release(List<String> held) {
        held.forEach(g -> busy.merge(g, -1, Integer::sum));
    }

    /** {@code --gpus}: a comma-separated list of ids, or {@code all} for those {@code nvidia-smi -L} lists. */
    static List<String> parse(String spec) throws java.io.IOException, InterruptedException {
        if (spec == null || spec.isBlank()) {
            return List.of();
        }
        if (!spec.trim().equalsIgnoreCase("all")) {
            return List.of(spec.trim().split("\\s*,\\s*"));
        }
        Process p =
                new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new java.io.IOException("nvidia-smi -L failed: " + out.strip());
        }
        return listed(out);
    }

    /** The ids in {@code nvidia-smi -L}'s output ("GPU 0: NVIDIA A100 (UUID: …)" per line). */
    static List<String> listed(String nvidiaSmiOutput) {
        List<String> ids = new ArrayList<>();
        for (String line : nvidiaSmiOutput.split("\n")) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("^GPU (\\d+):").matcher(line.strip());
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }
}
