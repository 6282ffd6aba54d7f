package dev.attune.store;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface EventRepository extends JpaRepository<EventRow, EventKey> {

    List<EventRow> findByStudyIdAndSeqGreaterThanOrderBySeq(String studyId, long after);

    List<EventRow> findByStudyIdAndSeqGreaterThanOrderBySeq(String studyId, long after, Limit limit);

    /** The trial's last event of this type (by the index on study, trial and sequence number). */
    Optional<EventRow> findFirstByStudyIdAndTrialIdAndTypeOrderBySeqDesc(String studyId, Long trialId, String type);
}
