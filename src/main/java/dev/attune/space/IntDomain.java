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
 * With a quantum {@code q} ({@code qrandint}, {@code qlograndint}) every value is a multiple of q, the
 * nearest one inside the range.
 */
public record IntDomain(long lower, long upper, boolean log, Long q) implements Domain {
    /** Above this many values an integer domain is treated as continuous when enumerating. */
    static final long MAX_ENUMERATED = 1 << 20;

    public IntDomain(long lower, long upper, boolean log) {
        this(lower, upper, log, null);
    }

    public IntDomain {
        if (lower > upper) {
            throw new InvalidValueException("lower must be <= upper");
        }
        if (log && lower < 1) {
            throw new InvalidValueException("lower must be >= 1 for a log scale");
        }
        if (q != null) {
            if (q < 1) {
                throw new InvalidValueException("q must be a positive integer");
            }
            if (Math.ceilDiv(lower, q) > Math.floorDiv(upper, q)) {
                throw new InvalidValueException("no multiple of q = " + q + " lies in [" + lower + ", " + upper + "]");
            }
        }
    }

    @Override
    public String type() {
        String base = log ? "lograndint" : "randint";
        return q == null ? base : "q" + base;
    }

    @Override
    public Object sample(SplittableRandom random) {
        if (!log) {
            if (q != null) {
                long first = Math.ceilDiv(lower, q);
                return (first + random.nextLong(Math.floorDiv(upper, q) - first + 1)) * q;
            }
            return lower + random.nextLong(upper - lower + 1);
        }
        return fromUnit(random.nextDouble());
    }

    @Override
    public Object midpoint() {
        double mid = log ? Math.sqrt((double) lower * upper) : 0.5 * ((double) lower + upper);
        return quantize(clamp(Values.roundHalfEven(mid)));
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
        if (q != null && (long) v % q != 0) {
            throw new InvalidValueException("must be a multiple of q = " + q + ", got " + (long) v);
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
        return quantize(clamp(Math.round(log ? Math.exp(x) : x)));
    }

    /** The multiple of q nearest to {@code v} inside the range; {@code v} itself without a quantum. */
    public long quantize(long v) {
        if (q == null) {
            return v;
        }
        long k = Math.round((double) v / q);
        return Math.min(Math.floorDiv(upper, q), Math.max(Math.ceilDiv(lower, q), k)) * q;
    }

    private long clamp(long v) {
        return Math.min(upper, Math.max(lower, v));
    }

    @Override
    public List<Object> values() {
        if (count() > MAX_ENUMERATED) {
            return List.of();
        }
        List<Object> all = new ArrayList<>((int) count());
        long step = q == null ? 1 : q;
        for (long v = quantize(lower); v <= upper; v += step) {
            all.add(v);
        }
        return all;
    }

    /** How many values the domain has. */
    long count() {
        return q == null ? upper - lower + 1 : Math.floorDiv(upper, q) - Math.ceilDiv(lower, q) + 1;
    }

    @Override
    public boolean isFinite() {
        return count() <= MAX_ENUMERATED;
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
        if (q != null) {
            json.put("q", q);
        }
        return json;
    }
}
