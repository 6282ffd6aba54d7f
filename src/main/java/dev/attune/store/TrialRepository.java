package dev.attune.store;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface TrialRepository extends JpaRepository<TrialRow, TrialKey> {

    List<TrialRow> findByStudyIdAndTrialIdGreaterThanOrderByTrialId(String studyId, long after, Limit limit);

    List<TrialRow> findByStudyIdAndStatusAndTrialIdGreaterThanOrderByTrialId(
            String studyId, String status, long after, Limit limit);

    /** The trial with the smallest best objective (the study's metric turned so that smaller is better). */
    Optional<TrialRow> findFirstByStudyIdAndBestObjectiveNotNullAndStatusNotOrderByBestObjectiveAscTrialIdAsc(
            String studyId, String excluded);

    @Query("select t.status, count(t) from TrialRow t where t.studyId = :studyId group by t.status")
    List<Object[]> countByStatus(String studyId);

    @Query("select t.status, count(t) from TrialRow t group by t.status")
    List<Object[]> countAllByStatus();
}
