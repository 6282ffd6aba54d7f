package dev.attune.service;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Every few seconds, on every replica: running trials whose worker went silent become STALE. */
@Component
public class LeaseReaper {
    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);
    private final TrialLeases leases;
    private final Clock clock;

    public LeaseReaper(TrialLeases leases, Clock clock) {
        this.leases = leases;
        this.clock = clock;
    }

    @Scheduled(
            fixedDelayString = "${attune.reaper-interval-ms:5000}",
            initialDelayString = "${attune.reaper-interval-ms:5000}")
    public void reap() {
        try {
            int n = leases.reapExpired(clock.instant(), 500);
            if (n > 0) {
                log.info("marked {} trial(s) STALE after their lease expired", n);
            }
        } catch (RuntimeException e) {
            log.warn("lease reaper failed; will retry", e);
        }
    }
}
