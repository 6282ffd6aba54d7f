package dev.attune.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Request and response shapes of the v1 API, as published in {@code openapi/attune.yaml}. */
public final class Dtos {
    private Dtos() {}

    @Schema(description = "A study to create. Unknown fields are refused.")
    public record CreateStudyRequest(
            @Schema(example = "mlp-digits") String name,

            @Schema(description = "Scope for access control; default \"default\"")
            String project,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "Parameter name to a domain {type, …} or a constant",
                    example = "{\"lr\": {\"type\": \"loguniform\", \"lower\": 1e-5, \"upper\": 0.1}, \"epochs\": 27}")
            Map<String, Object> space,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<MetricSpec> metrics,

            @Schema(description = "A method from GET /methods, case-insensitive; default RandomSearch")
            String method,

            @Schema(description = "The method's options, camelCase, Syne Tune's defaults")
            Map<String, Object> options,

            ResourceSpec resource,

            @Schema(description = "Configs (possibly partial) to try first; default [{}] (the mid-point); [] for none")
            List<Map<String, Object>> pointsToEvaluate,

            @Schema(description = "Seed of every random draw; drawn by the server when absent")
            Long seed,

            StoppingCriterionSpec stoppingCriterion,

            @Schema(description = "At most this many trials RUNNING at once")
            Integer maxConcurrentTrials,

            @Schema(description = "Whether a config may be suggested again; default false")
            Boolean allowDuplicates,

            @Schema(
                    description =
                            "Seconds a handed-out trial may go without a report or heartbeat before it turns STALE; default the server's (120)")
            Integer leaseSeconds,

            @Schema(
                    description =
                            "A failed or stale trial's config is retried as a new trial this many times; default 0")
            Integer maxRetries,

            @Schema(
                    description =
                            "The study stops after this many failed or stale trials; default 1 + maxRetries (Syne Tune's max_failures=1)")
            Integer maxFailures,

            @Schema(
                    description =
                            "Workers delete the checkpoints of stopped, completed and failed trials, and the store"
                                    + " removes what is left when the study ends; default false")
            Boolean deleteCheckpoints,

            @Schema(description = "GPUs each trial gets from a worker's --gpus (CUDA_VISIBLE_DEVICES); default 1")
            Integer numGpusPerTrial,

            @Schema(
                    description =
                            "The training command every worker runs unless given its own, e.g. [\"python3\", \"train.py\"]")
            List<String> entryPoint,

            @Schema(
                    description =
                            "When the study stops (a budget ran out, or POST /stop), let running trials finish instead"
                                    + " of answering STOP at their next report; default false, as Syne Tune's tuner")
            Boolean waitTrialCompletionWhenStopping,

            @Schema(
                    description =
                            "Earlier tasks' evaluations for transfer-learning methods (ZeroShotTransfer, BoundingBox):"
                                    + " [{task, evaluations: [{config, metrics}]}], configs of this space, every metric"
                                    + " of the study; at most 50 tasks, 5000 evaluations per task, 20000 in all")
            List<Map<String, Object>> transferEvaluations,

            @Schema(
                    description = "Earlier studies with the same space, read with the caller's rights when the study is"
                            + " created: their completed trials become tasks of transferEvaluations named by"
                            + " study id")
            List<String> transferFrom) {}

    @Schema(description = "Stop a study. Unknown fields are refused.")
    public record StopStudyRequest(
            @Schema(
                    description =
                            "Answer STOP to each running trial's next report; default: unless the study has waitTrialCompletionWhenStopping")
            Boolean stopRunningTrials) {}

    @Schema(
            description = "A JSON merge patch (RFC 7386) of a study's changeable settings; null removes a setting."
                    + " Changing space, metrics, method or another fixed field answers 409.")
    public record ChangeStudyRequest(
            String name,

            @Schema(description = "Merged into the current criterion; a null field removes that limit")
            StoppingCriterionSpec stoppingCriterion,

            Integer maxConcurrentTrials,
            Integer leaseSeconds,
            Integer maxRetries,
            Integer maxFailures,

            @Schema(description = "Merged into the study's metadata (a null value removes a key)")
            Map<String, Object> metadata) {}

    public record MetricSpec(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(allowableValues = {"min", "max"}) String mode) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResourceSpec(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "Metric carrying the integer resource level")
            String attr,

            @Schema(description = "The largest level") Long max,

            @Schema(description = "Space entry holding the largest level")
            String maxAttr) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StoppingCriterionSpec(
            Double maxWallclockTime,
            Long maxNumTrialsStarted,
            Long maxNumTrialsCompleted,
            Long maxNumTrialsFinished,
            Long maxNumEvaluations,
            Double maxCost,

            @Schema(description = "Metric with a trial's cumulative cost; default st_worker_cost")
            String costAttr,

            Map<String, Double> minMetricValue,
            Map<String, Double> maxMetricValue) {}

    @Schema(description = "The study's definition (as created, with defaults) plus its state")
    public record StudyResponse(
            String id,
            String name,
            String project,

            @Schema(allowableValues = {"ACTIVE", "STOPPING", "DONE"})
            String status,

            String statusReason,
            long seed,
            Map<String, Object> space,
            List<MetricSpec> metrics,
            String method,
            Map<String, Object> options,
            ResourceSpec resource,
            List<Map<String, Object>> pointsToEvaluate,
            StoppingCriterionSpec stoppingCriterion,
            Integer maxConcurrentTrials,
            boolean allowDuplicates,
            Integer leaseSeconds,
            Integer maxRetries,
            Integer maxFailures,
            boolean deleteCheckpoints,
            Integer numGpusPerTrial,
            List<String> entryPoint,
            boolean waitTrialCompletionWhenStopping,
            Map<String, Long> trialCounts,

            @Schema(description = "trials resumed, cloned or retried whose checkpoint was gone")
            long trialsResumedWithoutCheckpoint,

            Instant createdAt,
            Instant updatedAt,

            @Schema(
                    description =
                            "false: a new batch of maxConcurrentTrials trials starts only when the previous one finished")
            boolean asynchronousScheduling,

            @Schema(description = "The only configs suggested (Syne Tune's restrict_configurations), or null")
            List<Map<String, Object>> restrictConfigurations,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(
                    description = "On create only: each streamline_config_space rule that would rewrite the space"
                            + " (none when streamlineConfigSpace was true: the space was rewritten)")
            List<String> warnings,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(
                    description = "Earlier tasks' evaluations for transfer-learning methods ({task, evaluations:"
                            + " [{config, metrics}]}), uploaded or read from transferFrom; absent when none")
            List<Map<String, Object>> transferEvaluations,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "The earlier studies read into transferEvaluations when the study was created")
            List<String> transferFrom) {}

    public record AskRequest(
            @Schema(example = "host-a/3") String workerId,

            @Schema(
                    description = "Ask for up to this many trials at once (1-1000); the answer then lists them in"
                            + " trials instead of trial",
                    minimum = "1",
                    maximum = "1000")
            Integer count) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AskResponse(
            @Schema(allowableValues = {"RUN", "WAIT", "DONE"})
            String status,

            TrialResponse trial,
            Long retryAfterMs,

            @Schema(description = "Why nothing (or, for a batch, fewer than count trials) was handed out")
            String reason,

            @Schema(
                    description =
                            "Only when the ask gave a count: the trials handed out, in order (empty with WAIT or DONE)")
            List<TrialResponse> trials) {}

    public record TrialResponse(
            long id,

            @Schema(
                    allowableValues = {
                        "PENDING",
                        "RUNNING",
                        "PAUSED",
                        "STOPPED",
                        "COMPLETED",
                        "FAILED",
                        "SKIPPED",
                        "STALE"
                    })
            String status,

            Map<String, Object> config,
            Map<String, Object> metrics,
            boolean resumed,
            Long checkpointTrialId,
            String workerId,
            String statusReason,
            Instant createdAt,
            Instant updatedAt,

            @Schema(description = "the trial whose config this one retries, if any")
            Long retryOf,

            @Schema(description = "metadata set by clients (PyGlove's set_metadata)")
            Map<String, Object> metadata,

            @Schema(description = "related links: [{name, url}]")
            List<Object> links,

            @Schema(
                    description =
                            "its worker found no checkpoint to resume, clone or retry from (Syne Tune's trials_resumed_without_checkpoint)")
            boolean resumedWithoutCheckpoint,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "Only on GET of one trial")
            List<ReportResponse> reports) {}

    public record ReportResponse(
            Map<String, Object> metrics, Long step, String decision, String reason, Instant receivedAt) {}

    public record ReportRequest(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    example = "{\"epoch\": 3, \"val_loss\": 0.41}",
                    description = "finite numbers; must include every metric of the study (and the resource"
                            + " attribute when the study has one), else 400 naming the missing field")
            Map<String, Double> metrics,

            @Schema(description = "PyGlove's step; the level when the study has no resource")
            Long step) {}

    public record DecisionResponse(
            @Schema(allowableValues = {"CONTINUE", "STOP", "PAUSE"})
            String decision,

            String reason) {}

    public record CompleteRequest(
            @Schema(description = "optional final metrics; when given, they must include every metric of the study")
            Map<String, Double> metrics) {}

    public record ReasonRequest(String reason) {}

    public record AddTrialRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Map<String, Object> config,

            Map<String, Double> metrics) {}

    public record BestResponse(TrialResponse trial) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StudyPage(List<StudyResponse> items, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrialPage(List<TrialResponse> items, String nextPageToken) {}

    public record MethodResponse(
            String name,
            String description,
            boolean multiFidelity,
            boolean multiObjective,
            List<OptionResponse> options) {}

    public record OptionResponse(
            String name,
            String type,
            Object defaultValue,
            Double min,
            Double max,
            List<String> allowed,
            String description) {}

    public record MethodList(List<MethodResponse> items) {}

    public record EventResponse(
            long seq,

            @Schema(
                    description =
                            "TRIAL_ADDED, TRIAL_RUN, TRIAL_RESUMED, REPORT, TRIAL_COMPLETED, TRIAL_FAILED, TRIAL_SKIPPED, TRIAL_STALE, TRIAL_RELEASED, CHECKPOINTS_REMOVED or STUDY_STATUS")
            String type,

            Long trialId,
            Map<String, Object> payload,
            Instant createdAt,

            @Schema(
                    description =
                            "who caused it: a token id, admin (ATTUNE_ADMIN_TOKEN), anonymous (authentication off) or system (the server, e.g. an expired lease); null for events stored before this was recorded")
            String actor) {}

    public record EventList(List<EventResponse> items) {}

    public record LinkRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String url,

            String name) {}

    public record CheckpointArchive(
            @Schema(description = "whether the trial left a checkpoint (commit only)")
            Boolean present,

            @Schema(description = "the zip archive's SHA-256, 64 lower-case hex digits")
            String sha256,

            @Schema(description = "the archive's size in bytes")
            Long size) {}

    public record LogsPayload(
            @Schema(description = "tail of the trial's standard output")
            String stdout,

            @Schema(description = "tail of its standard error")
            String stderr) {}
}
