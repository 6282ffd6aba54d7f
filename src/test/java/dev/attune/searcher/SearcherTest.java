package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearcherTest {
    static final SearchSpace SMALL = SpaceParser.parse(
            Map.of(
                    "a", Map.of("type", "choice", "categories", List.of("x", "y")),
                    "b", Map.of("type", "randint", "lower", 1, "upper", 3),
                    "epochs", 5),
            "space");

    static SearcherContext context(
            SearchSpace space,
            List<Map<String, Object>> initial,
            boolean duplicates,
            Map<String, Object> options,
            List<OptionSpec> specs) {
        return new SearcherContext(
                space, List.of(new Metric("loss", Mode.MIN)), 42, initial, duplicates, Options.parse(options, specs));
    }

    /** Runs a searcher as the study service would: propose, then tell it the trial was added. */
    static List<Map<String, Object>> drive(Searcher s, int n) {
        List<Map<String, Object>> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<Proposal> p = s.propose(i);
            if (p.isEmpty()) {
                break;
            }
            s.onTrialAdded(i, p.get().config(), p.get().memo());
            configs.add(p.get().config());
        }
        return configs;
    }

    @Test
    void randomSearchNeverRepeatsAndEndsWhenAFiniteSpaceIsExhausted() {
        List<Map<String, Object>> configs =
                drive(new RandomSearcher(context(SMALL, List.of(SMALL.midpoint()), false, Map.of(), List.of())), 100);
        assertThat(configs).hasSize(6);
        Set<String> distinct = new HashSet<>();
        configs.forEach(c -> distinct.add(SMALL.matchString(c)));
        assertThat(distinct).hasSize(6);
        assertThat(configs.getFirst()).isEqualTo(SMALL.midpoint());
    }

    @Test
    void randomSearchWithDuplicatesKeepsGoing() {
        assertThat(drive(new RandomSearcher(context(SMALL, List.of(), true, Map.of(), List.of())), 50))
                .hasSize(50);
    }

    @Test
    void proposeDoesNotChangeState() {
        RandomSearcher s = new RandomSearcher(context(SMALL, List.of(SMALL.midpoint()), false, Map.of(), List.of()));
        Proposal first = s.propose(0).orElseThrow();
        assertThat(s.propose(0).orElseThrow()).isEqualTo(first);
        assertThat(s.propose(0).orElseThrow()).isEqualTo(first);
    }

    @Test
    void sameSeedAndHistoryGiveTheSameConfigs() {
        SearchSpace space = SpaceParser.parse(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)), "space");
        List<Map<String, Object>> a =
                drive(new RandomSearcher(context(space, List.of(), false, Map.of(), List.of())), 20);
        List<Map<String, Object>> b =
                drive(new RandomSearcher(context(space, List.of(), false, Map.of(), List.of())), 20);
        assertThat(a).isEqualTo(b);
        SearcherContext other = new SearcherContext(
                space, List.of(new Metric("loss", Mode.MIN)), 43, List.of(), false, Options.parse(Map.of(), List.of()));
        assertThat(drive(new RandomSearcher(other), 20)).isNotEqualTo(a);
    }

    @Test
    void clientTrialsAreExcludedFromSuggestions() {
        RandomSearcher s = new RandomSearcher(context(SMALL, List.of(), false, Map.of(), List.of()));
        int id = 0;
        for (String a : List.of("x", "y")) {
            for (long b = 1; b <= 2; b++) {
                s.onTrialAdded(id++, Map.of("a", a, "b", b, "epochs", 5L), Map.of());
            }
        }
        List<Map<String, Object>> rest = new ArrayList<>();
        for (int i = id; i < 20; i++) {
            Optional<Proposal> p = s.propose(i);
            if (p.isEmpty()) {
                break;
            }
            s.onTrialAdded(i, p.get().config(), p.get().memo());
            rest.add(p.get().config());
        }
        assertThat(rest).extracting(c -> c.get("b")).containsOnly(3L).hasSize(2);
    }

    @Test
    void gridCoversTheProductWithFloatsAtNumSamplesPoints() {
        // Ordered: the product varies the last parameter fastest. (Map.of has no stable order.)
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        json.put("c", Map.of("type", "choice", "categories", List.of("a", "b", "c")));
        SearchSpace space = SpaceParser.parse(json, "space");
        List<Map<String, Object>> configs = drive(
                new GridSearcher(context(space, List.of(), false, Map.of("shuffle", false), GridSearcher.OPTIONS)),
                100);
        assertThat(configs).hasSize(15);
        assertThat(configs.subList(0, 3)).extracting(c -> c.get("c")).containsExactly("a", "b", "c");
        assertThat(configs).extracting(c -> c.get("x")).containsOnly(0.0, 0.25, 0.5, 0.75, 1.0);
    }

    @Test
    void gridHonoursNumSamplesPerParameterAndShufflesBySeed() {
        SearchSpace space = SpaceParser.parse(
                Map.of(
                        "x", Map.of("type", "loguniform", "lower", 1, "upper", 100),
                        "n", Map.of("type", "randint", "lower", 1, "upper", 2)),
                "space");
        List<Map<String, Object>> ordered = drive(
                new GridSearcher(context(
                        space,
                        List.of(),
                        false,
                        Map.of("numSamples", Map.of("x", 3), "shuffle", false),
                        GridSearcher.OPTIONS)),
                100);
        assertThat(ordered).hasSize(6);
        assertThat(ordered).extracting(c -> ((Double) c.get("x"))).contains(1.0, 100.0);
        List<Map<String, Object>> shuffled = drive(
                new GridSearcher(
                        context(space, List.of(), false, Map.of("numSamples", Map.of("x", 3)), GridSearcher.OPTIONS)),
                100);
        assertThat(shuffled).containsExactlyInAnyOrderElementsOf(ordered);
    }

    @Test
    void gridStartsWithInitialConfigsAndSkipsThemLater() {
        List<Map<String, Object>> configs = drive(
                new GridSearcher(context(
                        SMALL, List.of(SMALL.midpoint()), false, Map.of("shuffle", false), GridSearcher.OPTIONS)),
                100);
        assertThat(configs.getFirst()).isEqualTo(SMALL.midpoint());
        assertThat(configs).hasSize(6);
    }

    @Test
    void gridRefusesUnknownParametersAndHugeGrids() {
        assertThatThrownBy(() -> new GridSearcher(
                        context(SMALL, List.of(), false, Map.of("numSamples", Map.of("zz", 3)), GridSearcher.OPTIONS)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.numSamples.zz");
        Map<String, Object> big = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            big.put("x" + i, Map.of("type", "uniform", "lower", 0, "upper", 1));
        }
        assertThatThrownBy(() -> new GridSearcher(context(
                        SpaceParser.parse(big, "space"),
                        List.of(),
                        false,
                        Map.of("numSamples", 10),
                        GridSearcher.OPTIONS)))
                .hasMessageContaining("options.numSamples");
    }

    @Test
    void optionsAreCheckedByName() {
        assertThatThrownBy(() -> Options.parse(Map.of("numSample", 3), GridSearcher.OPTIONS))
                .hasMessageContaining("options.numSample");
        assertThatThrownBy(() -> Options.parse(Map.of("numSamples", 0), GridSearcher.OPTIONS))
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> Options.parse(Map.of("shuffle", "yes"), GridSearcher.OPTIONS))
                .hasMessageContaining("true or false");
        assertThat(Options.parse(Map.of(), GridSearcher.OPTIONS).integer("numSamples"))
                .isEqualTo(5);
    }

    @Test
    void regularizedEvolutionMutatesOneParameterOfAGoodParent() {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        json.put("y", Map.of("type", "uniform", "lower", 0, "upper", 1));
        json.put("c", Map.of("type", "choice", "categories", List.of("a", "b", "c")));
        SearchSpace space = SpaceParser.parse(json, "space");
        RegularizedEvolutionSearcher rea = new RegularizedEvolutionSearcher(context(
                space,
                List.of(),
                false,
                Map.of("populationSize", 5, "sampleSize", 50),
                RegularizedEvolutionSearcher.OPTIONS));
        List<Map<String, Object>> population = new ArrayList<>();
        for (long id = 0; id < 5; id++) {
            Proposal p = rea.propose(id).orElseThrow();
            rea.onTrialAdded(id, p.config(), p.memo());
            rea.onComplete(id, Map.of("loss", (double) id));
            population.add(p.config());
        }
        // sampleSize 50 over 5 members: the best (trial 0, loss 0) is drawn with probability 1 - 0.8^50 > 0.99999.
        for (long id = 5; id < 10; id++) {
            Map<String, Object> child = rea.propose(id).orElseThrow().config();
            long changed = json.keySet().stream()
                    .filter(k -> !child.get(k).equals(population.getFirst().get(k)))
                    .count();
            assertThat(changed)
                    .as("child %s of %s", child, population.getFirst())
                    .isEqualTo(1);
        }
    }
}
