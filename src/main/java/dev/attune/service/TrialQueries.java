package dev.attune.service;

import dev.attune.store.ReportRepository;
import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.study.NotFoundException;
import dev.attune.study.Views;
import dev.attune.trial.TrialStatus;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/** Trials as clients read them: one with its reports, or a page of them. */
@Service
public class TrialQueries {
    private final StudyService studies;
    private final TrialRepository trials;
    private final ReportRepository reports;
    private final JsonCodec json;

    public TrialQueries(StudyService studies, TrialRepository trials, ReportRepository reports, JsonCodec json) {
        this.studies = studies;
        this.trials = trials;
        this.reports = reports;
        this.json = json;
    }

    public Views.Trial get(String studyId, long trialId) {
        studies.find(studyId);
        return TrialViews.of(trial(studyId, trialId), json, reports.findByStudyIdAndTrialIdOrderById(studyId, trialId));
    }

    public Views.Page<Views.Trial> list(String studyId, TrialStatus status, int limit, String pageToken) {
        studies.find(studyId);
        long after = pageToken == null ? -1 : PageTokens.decodeLong(pageToken, "pageToken");
        List<TrialRow> rows = status == null
                ? trials.findByStudyIdAndTrialIdGreaterThanOrderByTrialId(studyId, after, Limit.of(limit + 1))
                : trials.findByStudyIdAndStatusAndTrialIdGreaterThanOrderByTrialId(
                        studyId, status.name(), after, Limit.of(limit + 1));
        List<Views.Trial> items = rows.stream()
                .limit(limit)
                .map(t -> TrialViews.of(t, json, null))
                .toList();
        String next = rows.size() > limit
                ? PageTokens.encode(Long.toString(rows.get(limit - 1).getTrialId()))
                : null;
        return new Views.Page<>(items, next);
    }

    /** The trial's row, or 404. */
    TrialRow trial(String studyId, long trialId) {
        return trials.findById(new dev.attune.store.TrialKey(studyId, trialId))
                .orElseThrow(
                        () -> new NotFoundException("trial " + trialId + " of study " + studyId + " does not exist"));
    }
}
