-- The lease reaper looks for RUNNING trials whose lease ran out, across all studies.
CREATE INDEX trial_lease_idx ON trial (status, lease_expires_at);
