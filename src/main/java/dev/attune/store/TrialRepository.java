package dev.attune.store;

import java.time.Instant;
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

    /** All trials with a best objective, best first (for filtering, e.g. by feasibility). */
    List<TrialRow> findByStudyIdAndBestObjectiveNotNullAndStatusNotOrderByBestObjectiveAscTrialIdAsc(
            String studyId, String excluded);

    /** Running trials whose lease ran out before {@code now}, oldest first. */
    @Query("select t from TrialRow t where t.status = 'RUNNING' and t.leaseExpiresAt < :now order by t.leaseExpiresAt")
    List<TrialRow> expiredLeases(Instant now, Limit limit);

    @Query("select t.status, count(t) from TrialRow t where t.studyId = :studyId group by t.status")
    List<Object[]> countByStatus(String studyId);

    @Query("select count(t) from TrialRow t where t.studyId = :studyId and t.resumedWithoutCheckpoint = true")
    long countResumedWithoutCheckpoint(String studyId);

    @Query("select t.status, count(t) from TrialRow t group by t.status")
    List<Object[]> countAllByStatus();
}
