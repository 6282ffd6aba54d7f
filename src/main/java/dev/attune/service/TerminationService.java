package dev.attune.service;

import dev.attune.searcher.AutoTermination;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** The automatic-termination estimates of a study, for the dashboard: a fold of the study's log. */
@Service
public class TerminationService {
    private final StudyWriter writer;

    public TerminationService(StudyWriter writer) {
        this.writer = writer;
    }

    /** One estimate after {@code trials} results: the GP's regret bound and the threshold it is compared with. */
    public record Point(long trials, double regretBound, double threshold) {}

    /**
     * Whether the study asked for automatic termination, whether it converged (its last estimate is below
     * the threshold), and every estimate so far, oldest first.
     */
    public record Series(boolean autoTermination, boolean converged, List<Point> series) {}

    public Series series(String studyId) {
        // Through the writer: the study's engine, brought up to date with the log under the study's lock.
        Optional<AutoTermination> criterion =
                writer.write(studyId, ctx -> ctx.study.scheduler().autoTermination());
        return criterion
                .map(c -> new Series(
                        true,
                        c.converged(),
                        c.series().stream()
                                .map(p -> new Point(p.trials(), p.regretBound(), p.threshold()))
                                .toList()))
                .orElse(new Series(false, false, List.of()));
    }
}
