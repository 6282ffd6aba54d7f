package dev.attune.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code size} equally spaced values from lower to upper, both included ({@code finrange}), or equally
 * spaced in log scale ({@code logfinrange}); with {@code castInt} the values are rounded to integers.
 */
public record FiniteRangeDomain(double lower, double upper, int size, boolean log, boolean castInt) implements Domain {

    public FiniteRangeDomain {
        if (size < 2) {
            throw new InvalidValueException("size must be >= 2");
        }
        if (!(lower < upper)) {
            throw new InvalidValueException("lower must be < upper");
        }
        if (log && lower <= 0) {
            throw new InvalidValueException("lower must be > 0 for a log scale");
        }
    }

    @Override
    public String type() {
        return log ? "logfinrange" : "finrange";
    }

    private double internalLower() {
        return log ? Math.log(lower) : lower;
    }

    private double step() {
        return ((log ? Math.log(upper) : upper) - internalLower()) / (size - 1);
    }

    /** The i-th value, exactly lower and upper at the ends. */
    Object value(int i) {
        double v = i == 0 ? lower : i == size - 1 ? upper : internalLower() + i * step();
        if (log && i > 0 && i < size - 1) {
            v = Math.exp(v);
        }
        return castInt ? (Object) Values.roundHalfEven(v) : (Object) v;
    }

    int nearestIndex(double v) {
        double x = log ? Math.log(Math.max(v, Double.MIN_NORMAL)) : v;
        long i = Math.round((x - internalLower()) / step());
        return (int) Math.max(0, Math.min(size - 1, i));
    }

    @Override
    public Object sample(SplittableRandom random) {
        return value(random.nextInt(size));
    }

    @Override
    public Object midpoint() {
        double mid = log ? Math.sqrt(lower * upper) : 0.5 * (lower + upper);
        return value(nearestIndex(mid));
    }

    @Override
    public Object validate(Object value) {
        double v = Values.number(value);
        Object candidate = value(nearestIndex(v));
        double c = ((Number) candidate).doubleValue();
        if (Math.abs(c - v) > 1e-9 * Math.max(1, Math.abs(c))) {
            throw new InvalidValueException("must be one of " + values() + ", got " + v);
        }
        return candidate;
    }

    @Override
    public int encodedSize() {
        return 1;
    }

    @Override
    public void encode(Object value, double[] target, int offset) {
        target[offset] = (nearestIndex(((Number) value).doubleValue()) + 0.5) / size;
    }

    @Override
    public Object decode(double[] source, int offset) {
        return value(Math.min(size - 1, (int) Math.floor(Values.clip01(source[offset]) * size)));
    }

    @Override
    public List<Object> values() {
        List<Object> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(value(i));
        }
        return all;
    }

    @Override
    public String matchString(Object value) {
        return Integer.toString(nearestIndex(((Number) value).doubleValue()));
    }

    @Override
    public Object toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type());
        json.put("lower", lower);
        json.put("upper", upper);
        json.put("size", size);
        json.put("castInt", castInt);
        return json;
    }
}
