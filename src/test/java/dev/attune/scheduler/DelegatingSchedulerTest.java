package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wrappers forward every hook of {@link Scheduler} to their base method, including ones added later. */
class DelegatingSchedulerTest {

    @Test
    void theDelegatingBaseOverridesEveryMethodOfTheInterface() throws NoSuchMethodException {
        for (Method m : Scheduler.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method declared = DelegatingScheduler.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            assertThat(declared.getDeclaringClass())
                    .as("DelegatingScheduler forwards %s", m.getName())
                    .isEqualTo(DelegatingScheduler.class);
        }
    }

    @Test
    void theWrappersAreDelegating() {
        assertThat(DelegatingScheduler.class).isAssignableFrom(MedianStoppingScheduler.class);
        assertThat(DelegatingScheduler.class).isAssignableFrom(LinearScalarizedScheduler.class);
    }

    @Test
    void aWrapperOverPromotionAshaPausesTrialsAsItsBaseDoes() {
        MethodContext median = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("baseMethod", "asha", "baseOptions", Map.of("type", "promotion")),
                MedianStoppingScheduler.options(List.of("asha", "randomsearch")));
        assertThat(new MedianStoppingScheduler(median, MethodRegistry.standard()).pausesTrials())
                .isTrue();
        MethodContext stopping = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("baseMethod", "asha"),
                MedianStoppingScheduler.options(List.of("asha", "randomsearch")));
        assertThat(new MedianStoppingScheduler(stopping, MethodRegistry.standard()).pausesTrials())
                .isFalse();

        MethodContext scalarized = new MethodContext(
                MultiFidelityTest.SPACE,
                List.of(new Metric("loss", Mode.MIN), new Metric("cost", Mode.MIN)),
                new dev.attune.trial.Resource("epoch", 27L, "epochs"),
                7,
                List.of(),
                false,
                dev.attune.searcher.Options.parse(
                        Map.of("baseMethod", "asha", "baseOptions", Map.of("type", "promotion")),
                        LinearScalarizedScheduler.options(List.of("asha", "randomsearch"))));
        assertThat(new LinearScalarizedScheduler(scalarized, MethodRegistry.standard()).pausesTrials())
                .isTrue();
        assertThat(Arrays.stream(Scheduler.class.getMethods()).map(Method::getName))
                .contains("pausesTrials", "suggestResume", "onPausedByStudy", "resumeOnRequest");
    }
}
