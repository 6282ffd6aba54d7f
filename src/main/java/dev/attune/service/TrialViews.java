package dev.attune.service;

import dev.attune.store.ReportRow;
import dev.attune.store.TrialRow;
import dev.attune.study.Views;
import java.util.List;

/** Builds trial views from rows. */
final class TrialViews {
    private TrialViews() {}

    static Views.Trial of(TrialRow t, JsonCodec json, List<ReportRow> reports) {
        return new Views.Trial(
                t.getTrialId(),
                t.getStatus(),
                json.read(t.getConfig()),
                t.getMetrics() == null ? java.util.Map.of() : json.read(t.getMetrics()),
                t.isResumed(),
                t.getCheckpointTrialId(),
                t.getWorkerId(),
                t.getStatusReason(),
                t.getCreatedAt(),
                t.getUpdatedAt(),
                t.getRetryOf(),
                t.getMetadata() == null ? java.util.Map.of() : json.read(t.getMetadata()),
                t.getLinks() == null ? List.of() : json.readList(t.getLinks()),
                t.isResumedWithoutCheckpoint(),
                reports == null
                        ? null
                        : reports.stream()
                                .map(r -> new Views.Report(
                                        json.read(r.getMetrics()),
                                        r.getStep(),
                                        r.getDecision(),
                                        r.getReason(),
                                        r.getReceivedAt()))
                                .toList());
    }
}
