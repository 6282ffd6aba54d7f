-- Checkpoints that follow their trial: a trial resumed (or cloned, or retried) whose checkpoint could not
-- be found anywhere is flagged, as Syne Tune counts trials_resumed_without_checkpoint.
ALTER TABLE trial ADD COLUMN resumed_without_checkpoint BOOLEAN DEFAULT FALSE NOT NULL;
