-- Scheduled reports already sent: replicas race to insert the period, one wins and sends it.
CREATE TABLE report_runs (
    kind       TEXT        NOT NULL CHECK (kind IN ('daily', 'weekly')),
    period_end TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, period_end)
);

-- Raw logs moved out by `alfa db optimize` once older than RAW_LOG_RETENTION_DAYS: written to a
-- file first, then deleted here. One row per archive file, for the operator's record.
CREATE TABLE raw_log_archives (
    id          BIGSERIAL PRIMARY KEY,
    file        TEXT        NOT NULL,
    rows        BIGINT      NOT NULL,
    older_than  TIMESTAMPTZ NOT NULL,
    archived_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The leaders the copy executor trades on, and each change of that set — an admin's follow or
-- unfollow, or the automatic top K moving — for the reports' "leaders added / removed".
CREATE TABLE copy_leader_set (
    leader BYTEA PRIMARY KEY CHECK (octet_length(leader) = 20)
);

CREATE TABLE copy_leader_changes (
    id     BIGSERIAL PRIMARY KEY,
    leader BYTEA       NOT NULL CHECK (octet_length(leader) = 20),
    added  BOOLEAN     NOT NULL,
    actor  TEXT        NOT NULL,
    at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX copy_leader_changes_at ON copy_leader_changes (at);
