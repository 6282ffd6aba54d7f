package dev.attune.store;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface StudyRepository extends JpaRepository<StudyRow, String> {

    /** The study's row, locked until the transaction ends: writes to one study serialize here. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from StudyRow s where s.id = :id")
    Optional<StudyRow> lock(String id);

    /** Deletes the study; its trials, reports and events go with it (ON DELETE CASCADE). */
    @Modifying
    @Query("delete from StudyRow s where s.id = :id")
    int deleteStudy(String id);

    List<StudyRow> findByIdGreaterThanOrderById(String after, Limit limit);

    List<StudyRow> findByProjectAndIdGreaterThanOrderById(String project, String after, Limit limit);
}
