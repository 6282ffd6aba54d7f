package dev.attune.searcher;

import dev.attune.space.ConstantDomain;
import dev.attune.space.Domain;
import dev.attune.space.FloatDomain;
import dev.attune.space.IntDomain;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Grid values per hyperparameter and the lazy Cartesian product over them (last name varies fastest). */
final class Grid {
    private Grid() {}

    /** Every value of every finite domain. */
    static Map<String, List<Object>> allValues(SearchSpace space) {
        Map<String, List<Object>> values = new LinkedHashMap<>();
        space.entries().forEach((name, domain) -> values.put(name, domain.values()));
        return values;
    }

    /**
     * Syne Tune's grid: reals at {@code n} points spread evenly (geometrically for log scale) from lower to
     * upper, integers at {@code min(n, range)} such points rounded, finite domains at every value.
     */
    static List<Object> gridValues(Domain domain, int n) {
        return switch (domain) {
            case FloatDomain f -> {
                if (f.q() != null || f.scale() == FloatDomain.Scale.REVERSE_LOG) {
                    // evenly spaced on the domain's own scale, each a valid (quantized) value
                    LinkedHashSet<Object> onScale = new LinkedHashSet<>();
                    for (int i = 0; i < n; i++) {
                        onScale.add(f.decode(new double[] {n == 1 ? 0.5 : (double) i / (n - 1)}, 0));
                    }
                    yield List.copyOf(onScale);
                }
                List<Object> values = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    double t = n == 1 ? 0.5 : (double) i / (n - 1);
                    values.add(
                            f.log()
                                    ? Math.exp(Math.log(f.lower()) + t * (Math.log(f.upper()) - Math.log(f.lower())))
                                    : f.lower() + t * (f.upper() - f.lower()));
                }
                values.set(0, n == 1 ? values.getFirst() : f.lower());
                if (n > 1) {
                    values.set(n - 1, f.upper());
                }
                yield values;
            }
            case IntDomain d -> {
                long range = d.upper() - d.lower() + 1;
                int k = (int) Math.min(n, range);
                LinkedHashSet<Object> values = new LinkedHashSet<>();
                for (int i = 0; i < k; i++) {
                    double t = k == 1 ? 0.5 : (double) i / (k - 1);
                    double v = d.log()
                            ? Math.exp(Math.log(d.lower()) + t * (Math.log(d.upper()) - Math.log(d.lower())))
                            : d.lower() + t * (d.upper() - d.lower());
                    values.add(d.quantize(Math.max(d.lower(), Math.min(d.upper(), Math.round(v)))));
                }
                yield List.copyOf(values);
            }
            case ConstantDomain c -> List.of(c.value());
            default -> domain.values();
        };
    }

    static long size(Map<String, List<Object>> values) {
        long size = 1;
        for (List<Object> v : values.values()) {
            size = Math.multiplyExact(size, v.size());
            if (size > SearchSpace.SIZE_LIMIT) {
                return size;
            }
        }
        return size;
    }

    static Iterable<Map<String, Object>> product(SearchSpace space, Map<String, List<Object>> values) {
        List<String> names = List.copyOf(space.entries().keySet());
        return () -> new Iterator<>() {
            private final int[] index = new int[names.size()];
            private boolean more = names.stream().allMatch(n -> !values.get(n).isEmpty());

            @Override
            public boolean hasNext() {
                return more;
            }

            @Override
            public Map<String, Object> next() {
                if (!more) {
                    throw new NoSuchElementException();
                }
                Map<String, Object> config = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    config.put(names.get(i), values.get(names.get(i)).get(index[i]));
                }
                int i = names.size() - 1;
                while (i >= 0 && ++index[i] == values.get(names.get(i)).size()) {
                    index[i--] = 0;
                }
                more = i >= 0;
                return config;
            }
        };
    }
}
