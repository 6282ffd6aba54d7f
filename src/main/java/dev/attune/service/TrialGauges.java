package dev.attune.service;

import dev.attune.store.TrialRepository;
import dev.attune.trial.TrialStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code attune_trials{status}}: trials in the database by status, over all studies and replicas.
 * Counted by one query at most every {@value #REFRESH_SECONDS} s, however often Prometheus scrapes.
 */
@Component
public class TrialGauges {
    static final int REFRESH_SECONDS = 5;
    private final TrialRepository trials;
    private final Clock clock;
    private Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
    private Instant countedAt = Instant.MIN;

    public TrialGauges(TrialRepository trials, MeterRegistry meters, Clock clock) {
        this.trials = trials;
        this.clock = clock;
        for (TrialStatus s : TrialStatus.values()) {
            Gauge.builder("attune.trials", this, g -> g.count(s))
                    .tag("status", s.name())
                    .description("trials by status in the database")
                    .register(meters);
        }
    }

    synchronized double count(TrialStatus status) {
        Instant now = clock.instant();
        if (Duration.between(countedAt, now).getSeconds() >= REFRESH_SECONDS || countedAt == Instant.MIN) {
            Map<TrialStatus, Long> fresh = new EnumMap<>(TrialStatus.class);
            for (Object[] row : trials.countAllByStatus()) {
                fresh.put(TrialStatus.valueOf((String) row[0]), (Long) row[1]);
            }
            counts = fresh;
            countedAt = now;
        }
        return counts.getOrDefault(status, 0L);
    }
}
