package dev.attune.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the dashboard's query endpoints answer: small, already downsampled, free of persistence types. */
public final class DashboardViews {
    private DashboardViews() {}

    /**
     * A study at a glance. {@code bestValue} is in the metric's own units and direction; {@code progress}
     * has one entry per stopping criterion with a known limit, {@code fraction} = done / limit.
     */
    public record StudySummary(
            String id,
            String name,
            String project,
            String method,
            String status,
            @Nullable String statusReason,
            String metric,
            String mode,
            long trials,
            Map<String, Long> trialCounts,

            @Schema(description = "best value of the first metric, in its own units and direction") @Nullable
            Double bestValue,

            @Nullable Long bestTrialId,
            @Nullable Map<String, Object> bestConfig,

            @Schema(description = "one entry per stopping criterion with a count or time limit")
            List<Progress> progress,

            Instant createdAt,

            @Schema(description = "when the study last changed")
            Instant lastActivityAt,

            @Schema(description = "the last event's seq: open /stream with afterSeq set to it")
            long lastSeq,

            @Schema(description = "the definition as created (single-study summary only)") @Nullable
            Map<String, Object> definition) {}

    public record Progress(String criterion, double done, double limit, double fraction) {}

    public record SummaryList(List<StudySummary> items) {}

    /** One point of a series: x is a trial id, an epoch second or a resource level. */
    public record Point(double x, double y, long trialId) {}

    /**
     * Best so far against trial id and against wall time (only the points where it improved, plus the
     * last), and a sample of at most {@code maxPoints} trials' own values for the scatter underneath.
     */
    public record BestSeries(
            String metric,
            String mode,
            long trialsWithValue,
            List<Point> bestByTrial,
            List<Point> bestByTime,

            @Schema(description = "every stride-th trial's value, for a scatter under the best-so-far line")
            List<Point> values,

            int stride) {}

    public record Marker(
            double x, double y, String decision, @Nullable String reason) {}

    public record Curve(
            long trialId,
            String status,

            @Schema(description = "[level, value] pairs in report order")
            List<double[]> points,

            List<Marker> markers) {}

    /** Learning curves: the best trials and the latest ones, each with its STOP / PAUSE / RESUME markers. */
    public record Curves(String metric, @Nullable String resourceAttr, long trialsWithReports, List<Curve> curves) {}

    public record TrialRow(
            long id,
            String status,
            Map<String, Object> config,
            Map<String, Object> metrics,
            @Nullable Double value,
            long reportCount,
            @Nullable String workerId,
            @Nullable String statusReason,
            Instant createdAt,
            Instant updatedAt) {}

    public record TrialTable(long total, int offset, int limit, List<TrialRow> items) {}

    /** Trials' configs and values for parallel coordinates and slice plots (a sample when there are many). */
    public record ParamSample(
            List<String> params, Map<String, List<String>> categories, long trialsWithValue, List<ParamPoint> points) {}

    public record ParamPoint(long trialId, Map<String, Object> config, double value) {}

    /** Parameter importance by fANOVA over the completed trials, largest first. */
    public record Importance(
            @Schema(description = "fANOVA: functional ANOVA of a random forest (Hutter et al., ICML 2014)")
            String method,

            @Schema(description = "completed trials the forest was fitted on: every k-th by id above maxPoints")
            int trialsUsed,

            @Schema(description = "trials with a value at full fidelity: completed, or stopped at the maximum resource")
            long trialsCompleted,

            @Schema(description = "trees of the 64-tree forest whose prediction varies (the others are left out)")
            int trees,

            List<ParamImportance> params) {}

    public record ParamImportance(
            String name,

            @Schema(
                    description =
                            "share of the value's variance over the space this parameter explains alone"
                                    + " (its main effect), averaged over the trees; the shares' sum is below 1 by the interactions")
            double importance,

            @Schema(description = "standard deviation of that share across the trees")
            double std) {}

    public record WorkerSpan(long trialId, String workerId, String status, Instant start, Instant end) {}

    public record TrialEvent(long seq, String type, Map<String, Object> payload, Instant createdAt) {}

    public record TrialEvents(List<TrialEvent> items) {}

    /** The shape of {@code export.json} (written as a stream, not through this record). */
    public record ExportDocument(String studyId, List<String> columns, List<Map<String, Object>> rows) {}

    public record Workers(List<String> workers, List<WorkerSpan> spans) {}
}
