-- The dashboard reads one trial's events (its detail view, resumes on learning curves) without scanning
-- the study's whole log. Numbered after issue 12 so that it does not collide with other branches' V5….
CREATE INDEX study_event_trial_idx ON study_event (study_id, trial_id, seq);
