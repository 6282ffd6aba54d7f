package dev.attune.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An integer in [lower, upper], both ends inclusive: {@code randint}, or {@code lograndint} when {@code log}.
 *
 * <p>As in Syne Tune, the log variant draws {@code round(exp(x))} with x uniform in
 * [log(lower − 0.5), log(upper + 0.5)], and the encoding relaxes the integers to the real interval
 * [lower − 0.5, upper + 0.5] so that each integer owns an equal share of [0, 1] (in log scale for the log variant).
 */
public record IntDomain(long lower, long upper, boolean log) implements Domain {
    /** Above this many values an integer domain is treated as continuous when enumerating. */
    static final long MAX_ENUMERATED = 1 << 20;

    public IntDomain {
        if (lower > upper) {
            throw new InvalidValueException("lower must be <= upper");
        }
        if (log && lower < 1) {
            throw new InvalidValueException("lower must be >= 1 for a log scale");
        }
    }

    @Override
    public String type() {
        return log ? "lograndint" : "randint";
    }

    @Override
    public Object sample(SplittableRandom random) {
        if (!log) {
            return lower + random.nextLong(upper - lower + 1);
        }
        return fromUnit(random.nextDouble());
    }

    @Override
    public Object midpoint() {
        double mid = log ? Math.sqrt((double) lower * upper) : 0.5 * ((double) lower + upper);
        return clamp(Values.roundHalfEven(mid));
    }

    @Override
    public Object validate(Object value) {
        double v = Values.number(value);
        if (v != Math.rint(v)) {
            throw new InvalidValueException("must be an integer, got " + v);
        }
        if (v < lower || v > upper) {
            throw new InvalidValueException("must be in [" + lower + ", " + upper + "], got " + (long) v);
        }
        return (long) v;
    }

    @Override
    public int encodedSize() {
        return 1;
    }

    private double lo() {
        return log ? Math.log(lower - 0.5) : lower - 0.5;
    }

    private double hi() {
        return log ? Math.log(upper + 0.5) : upper + 0.5;
    }

    @Override
    public void encode(Object value, double[] target, int offset) {
        double v = ((Number) value).doubleValue();
        double x = log ? Math.log(v) : v;
        target[offset] = (x - lo()) / (hi() - lo());
    }

    @Override
    public Object decode(double[] source, int offset) {
        return fromUnit(Values.clip01(source[offset]));
    }

    private long fromUnit(double u) {
        double x = lo() + u * (hi() - lo());
        return clamp(Math.round(log ? Math.exp(x) : x));
    }

    private long clamp(long v) {
        return Math.min(upper, Math.max(lower, v));
    }

    @Override
    public List<Object> values() {
        if (upper - lower + 1 > MAX_ENUMERATED) {
            return List.of();
        }
        List<Object> all = new ArrayList<>((int) (upper - lower + 1));
        for (long v = lower; v <= upper; v++) {
            all.add(v);
        }
        return all;
    }

    @Override
    public boolean isFinite() {
        return upper - lower + 1 <= MAX_ENUMERATED;
    }

    @Override
    public String matchString(Object value) {
        return Long.toString(((Number) value).longValue());
    }

    @Override
    public Object toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type());
        json.put("lower", lower);
        json.put("upper", upper);
        return json;
    }
}
