package dev.attune.store;

import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface EventRepository extends JpaRepository<EventRow, EventKey> {

    List<EventRow> findByStudyIdAndSeqGreaterThanOrderBySeq(String studyId, long after);

    List<EventRow> findByStudyIdAndSeqGreaterThanOrderBySeq(String studyId, long after, Limit limit);
}
