package dev.attune.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Generates random valid search spaces in their JSON form, covering every domain type and constants. */
public final class RandomSpaces {
    private RandomSpaces() {}

    public static Map<String, Object> json(SplittableRandom r) {
        Map<String, Object> space = new LinkedHashMap<>();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            space.put("p" + i, entry(r));
        }
        return space;
    }

    public static SearchSpace space(SplittableRandom r) {
        return SpaceParser.parse(json(r), "space");
    }

    static Object entry(SplittableRandom r) {
        double lo = Math.round(r.nextDouble(-100, 100) * 1000) / 1000.0;
        double width = Math.round(r.nextDouble(0.001, 1000) * 1000) / 1000.0 + 0.001;
        double plo = Math.round(r.nextDouble(1e-4, 10) * 1e4) / 1e4 + 1e-4;
        return switch (r.nextInt(17)) {
            case 0 -> Map.of("type", "uniform", "lower", lo, "upper", lo + width);
            case 1 -> Map.of("type", "loguniform", "lower", plo, "upper", plo * (1.5 + r.nextDouble(1000)));
            case 2 -> {
                long a = r.nextLong(-50, 50);
                yield Map.of("type", "randint", "lower", a, "upper", a + r.nextLong(0, 40));
            }
            case 3 -> {
                long a = r.nextLong(1, 50);
                yield Map.of("type", "lograndint", "lower", a, "upper", a + r.nextLong(0, 2000));
            }
            case 4 -> Map.of("type", "choice", "categories", categories(r, 1 + r.nextInt(5)));
            case 5 -> Map.of("type", "ordinal", "categories", categories(r, 1 + r.nextInt(5)), "kind", "equal");
            case 6 -> Map.of("type", "ordinal", "categories", increasing(r, 2 + r.nextInt(5), false));
            case 7 -> Map.of("type", "logordinal", "categories", increasing(r, 2 + r.nextInt(5), true));
            case 8 -> Map.of("type", "finrange", "lower", lo, "upper", lo + width, "size", 2 + r.nextInt(8));
            case 9 ->
                Map.of(
                        "type",
                        "logfinrange",
                        "lower",
                        plo,
                        "upper",
                        plo * 64,
                        "size",
                        2 + r.nextInt(8),
                        "castInt",
                        r.nextBoolean());
            case 10 -> r.nextBoolean() ? (Object) r.nextLong(1, 100) : "fixed-" + r.nextInt(10);
            case 11 -> {
                double a = Math.round(r.nextDouble(0, 0.5) * 1000) / 1000.0;
                yield Map.of("type", "reverseloguniform", "lower", a, "upper", a + (0.999 - a) * r.nextDouble(0.01, 1));
            }
            case 12 ->
                Map.of(
                        "type",
                        "quniform",
                        "lower",
                        lo,
                        "upper",
                        lo + width,
                        "q",
                        Math.max(0.001, Math.round(width / (1 + r.nextInt(20)) * 1000) / 1000.0));
            case 13 ->
                Map.of("type", "qloguniform", "lower", plo, "upper", plo * (1.5 + r.nextDouble(1000)), "q", plo / 4);
            case 14, 15 -> {
                long q = 1 + r.nextInt(5);
                String type = r.nextBoolean() ? "qrandint" : "qlograndint";
                long a = type.equals("qrandint") ? r.nextLong(-50, 50) : r.nextLong(1, 50);
                yield Map.of("type", type, "lower", a, "upper", a + r.nextLong(q, 200 + q), "q", q);
            }
            default -> Map.of("nested", List.of(1, 2), "flag", true);
        };
    }

    static List<Object> categories(SplittableRandom r, int n) {
        List<Object> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add(r.nextBoolean() ? "c" + i : (Object) (long) (i * 7 + 1));
        }
        return c;
    }

    static List<Object> increasing(SplittableRandom r, int n, boolean positive) {
        List<Object> c = new ArrayList<>();
        double v = positive ? r.nextDouble(0.01, 2) : r.nextDouble(-10, 10);
        for (int i = 0; i < n; i++) {
            c.add(Math.round(v * 1000) / 1000.0);
            v = v * (positive ? 1.5 + r.nextDouble(3) : 1) + (positive ? 0 : 0.5 + r.nextDouble(5));
        }
        return c;
    }
}
