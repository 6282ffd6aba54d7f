package dev.attune.space;

import java.util.ArrayList;
import java.util.List;

/** Checks and look-ups shared by the categorical domains. */
final class Categories {
    private Categories() {}

    static List<Object> check(List<Object> categories) {
        if (categories == null || categories.isEmpty()) {
            throw new InvalidValueException("categories must be a non-empty list");
        }
        List<Object> copy = new ArrayList<>(categories.size());
        for (Object c : categories) {
            Object v = Values.canonical(c);
            if (v == null) {
                throw new InvalidValueException("categories must not contain null");
            }
            if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                throw new InvalidValueException("categories must be finite numbers, strings or booleans");
            }
            for (Object seen : copy) {
                if (Values.same(seen, v)) {
                    throw new InvalidValueException("categories must be distinct, " + Values.describe(v) + " repeats");
                }
            }
            copy.add(v);
        }
        return List.copyOf(copy);
    }

    static int indexOf(List<Object> categories, Object value) {
        Object v = Values.canonical(value);
        for (int i = 0; i < categories.size(); i++) {
            if (Values.same(categories.get(i), v)) {
                return i;
            }
        }
        return -1;
    }

    static Object find(List<Object> categories, Object value) {
        int i = indexOf(categories, value);
        if (i < 0) {
            throw new InvalidValueException("must be one of " + categories + ", got " + Values.describe(value));
        }
        return categories.get(i);
    }

    static boolean strictlyIncreasingNumbers(List<Object> categories) {
        if (categories.size() < 2) {
            return false;
        }
        for (int i = 0; i < categories.size(); i++) {
            if (!(categories.get(i) instanceof Number) || categories.get(i) instanceof Boolean) {
                return false;
            }
            if (i > 0 && ((Number) categories.get(i)).doubleValue() <= ((Number) categories.get(i - 1)).doubleValue()) {
                return false;
            }
        }
        return true;
    }
}
