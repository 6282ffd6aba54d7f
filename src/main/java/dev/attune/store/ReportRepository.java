package dev.attune.store;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ReportRepository extends JpaRepository<ReportRow, Long> {

    Optional<ReportRow> findByStudyIdAndTrialIdAndLevel(String studyId, long trialId, long level);

    List<ReportRow> findByStudyIdAndTrialIdOrderById(String studyId, long trialId);
}
