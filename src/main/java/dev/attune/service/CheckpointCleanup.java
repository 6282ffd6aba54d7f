package dev.attune.service;

import dev.attune.checkpoint.CheckpointStore;
import dev.attune.study.StudyEvent;
import dev.attune.study.StudyStatus;
import java.io.IOException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Removes checkpoints from the store as the study's course says, once the events that say so are
 * committed: those of paused trials chosen for speculative removal, everything a study with
 * {@code deleteCheckpoints} left when it is DONE, and everything a deleted study left. A failure is
 * logged, never the request's: the study's state is already stored.
 */
@Component
public class CheckpointCleanup {
    private static final Log LOG = LogFactory.getLog(CheckpointCleanup.class);
    private final CheckpointStore store;

    public CheckpointCleanup(CheckpointStore store) {
        this.store = store;
    }

    @TransactionalEventListener(fallbackExecution = true)
    public void onEvents(EventsRecorded recorded) {
        for (StudyEvent event : recorded.events()) {
            try {
                if (event instanceof StudyEvent.CheckpointsRemoved removed) {
                    for (long trialId : removed.trialIds()) {
                        store.delete(recorded.studyId(), trialId);
                    }
                } else if (event instanceof StudyEvent.StudyStatusChanged changed
                        && changed.status() == StudyStatus.DONE
                        && recorded.definition().deleteCheckpoints()) {
                    store.deleteStudy(recorded.studyId());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not remove checkpoints of study " + recorded.studyId() + " from the " + store.kind()
                        + " store: " + e.getMessage());
            }
        }
    }

    @TransactionalEventListener(fallbackExecution = true)
    public void onDeleted(StudyDeleted deleted) {
        try {
            store.deleteStudy(deleted.studyId());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove checkpoints of deleted study " + deleted.studyId() + ": " + e.getMessage());
        }
    }
}
