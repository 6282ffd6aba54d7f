package dev.attune.space;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Canonical forms for JSON-like values: integers as {@link Long}, reals as {@link Double}. */
public final class Values {
    private Values() {}

    public static Object canonical(Object value) {
        return switch (value) {
            case null -> null;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
            case Float f -> (double) f;
            case BigDecimal d ->
                d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                        ? (Object) d.longValueExact()
                        : (Object) d.doubleValue();
            case List<?> list -> list.stream().map(Values::canonical).toList();
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(String.valueOf(k), canonical(v)));
                yield copy;
            }
            default -> value;
        };
    }

    /** Whether two canonical values are equal, counting {@code 3L} and {@code 3.0} as the same number. */
    public static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    static double number(Object value) {
        if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            return n.doubleValue();
        }
        throw new InvalidValueException("must be a finite number, got " + describe(value));
    }

    static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /** Python's {@code round}: halves go to the even neighbour, as Syne Tune's casts do. */
    static long roundHalfEven(double x) {
        return (long) Math.rint(x);
    }

    static double clip01(double u) {
        return u < 0 ? 0 : u > 1 ? 1 : u;
    }

    static String formatReal(double v) {
        return String.format(java.util.Locale.ROOT, "%.10e", v);
    }
}
