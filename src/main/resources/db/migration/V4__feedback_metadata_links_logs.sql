-- PyGlove-style feedback: metadata on studies and trials, related links, the trial a retry repeats,
-- and the tails of a trial's output uploaded by its worker.
ALTER TABLE study ADD COLUMN metadata TEXT;
ALTER TABLE trial ADD COLUMN retry_of BIGINT;
ALTER TABLE trial ADD COLUMN metadata TEXT;
ALTER TABLE trial ADD COLUMN links TEXT;
ALTER TABLE trial ADD COLUMN stdout_tail TEXT;
ALTER TABLE trial ADD COLUMN stderr_tail TEXT;
