package dev.attune.searcher;

import dev.attune.space.ChoiceDomain;
import dev.attune.space.Domain;
import dev.attune.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One number per hyperparameter, as BOHB's KDE wants it: a category's index for a choice among more than
 * two categories (modelled with a categorical kernel), else the domain's own [0, 1] encoding.
 */
final class KdeEncoding {
    private final SearchSpace space;
    private final List<String> names;
    private final int[] categories;

    KdeEncoding(SearchSpace space) {
        this.space = space;
        this.names = space.hyperparameters();
        this.categories = new int[names.size()];
        for (int j = 0; j < names.size(); j++) {
            Domain d = space.domain(names.get(j));
            categories[j] = d instanceof ChoiceDomain c && c.encodedSize() > 1
                    ? c.categories().size()
                    : 0;
        }
    }

    int size() {
        return names.size();
    }

    /** The number of categories of dimension j, or 0 for a continuous one. */
    int categories(int j) {
        return categories[j];
    }

    double[] encode(Map<String, Object> config) {
        double[] v = new double[names.size()];
        for (int j = 0; j < v.length; j++) {
            Domain d = space.domain(names.get(j));
            double[] tmp = new double[d.encodedSize()];
            d.encode(config.get(names.get(j)), tmp, 0);
            if (categories[j] > 0) {
                int best = 0;
                for (int c = 1; c < tmp.length; c++) {
                    if (tmp[c] > tmp[best]) {
                        best = c;
                    }
                }
                v[j] = best;
            } else {
                v[j] = tmp[0];
            }
        }
        return v;
    }

    Map<String, Object> decode(double[] v) {
        Map<String, Object> config = new LinkedHashMap<>(space.midpoint());
        for (int j = 0; j < v.length; j++) {
            Domain d = space.domain(names.get(j));
            double[] tmp = new double[d.encodedSize()];
            if (categories[j] > 0) {
                tmp[(int) v[j]] = 1;
            } else {
                tmp[0] = v[j];
            }
            config.put(names.get(j), d.decode(tmp, 0));
        }
        return config;
    }
}
