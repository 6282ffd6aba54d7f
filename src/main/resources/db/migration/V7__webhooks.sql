-- Webhooks (issue 18): a study's subscriptions, and a transactional outbox of deliveries written in the
-- same transaction as the study events they announce. Kept to the SQL H2 (PostgreSQL mode) and
-- PostgreSQL both accept. The secret is stored as given: the server needs it to sign every delivery.
CREATE TABLE webhook (
    id          VARCHAR(32)   PRIMARY KEY,
    study_id    VARCHAR(32)   NOT NULL REFERENCES study (id) ON DELETE CASCADE,
    url         VARCHAR(2048) NOT NULL,
    event_types VARCHAR(500)  NOT NULL,
    secret      VARCHAR(256)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by  VARCHAR(64)
);
CREATE INDEX webhook_study_idx ON webhook (study_id, created_at);

-- One row per (webhook, event): the outbox entry and its delivery log. PENDING rows are due at
-- next_attempt_at; a replica claims due rows with SELECT … FOR UPDATE SKIP LOCKED and pushes
-- next_attempt_at past its HTTP timeout, so no other replica sends them meanwhile.
CREATE TABLE webhook_delivery (
    id               VARCHAR(36)  PRIMARY KEY,
    webhook_id       VARCHAR(32)  NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    study_id         VARCHAR(32)  NOT NULL,
    seq              BIGINT       NOT NULL,
    event_type       VARCHAR(32)  NOT NULL,
    trial_id         BIGINT,
    body             TEXT         NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_status_code INTEGER,
    last_error       VARCHAR(1000),
    claimed_by       VARCHAR(64),
    delivered_by     VARCHAR(64),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX webhook_delivery_event_idx ON webhook_delivery (webhook_id, seq, event_type);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (webhook_id, created_at);
