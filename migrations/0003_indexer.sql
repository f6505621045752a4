-- Indexer state: one row per contract set. The checkpoint (last indexed block and its
-- hash) is written in the same transaction as that block range's fills.
CREATE TABLE indexer_state (
    name            TEXT PRIMARY KEY,
    last_block      BIGINT      NOT NULL,
    last_block_hash BYTEA       NOT NULL CHECK (octet_length(last_block_hash) = 32),
    head_block      BIGINT,
    head_seen_at    TIMESTAMPTZ,
    last_error      TEXT,
    last_error_at   TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Hashes of recent, not yet final blocks: a parent hash that no longer matches one of
-- these is a reorg, and the newest still-matching block is the common ancestor.
CREATE TABLE indexer_blocks (
    name         TEXT   NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   BYTEA  NOT NULL CHECK (octet_length(block_hash) = 32),
    parent_hash  BYTEA  NOT NULL CHECK (octet_length(parent_hash) = 32),
    PRIMARY KEY (name, block_number)
);

-- Logs from watched contracts that did not become fills: an unknown topic0 (a new
-- contract generation) or data that failed validation. Kept raw for inspection.
CREATE TABLE raw_logs (
    id           BIGSERIAL PRIMARY KEY,
    block_number BIGINT      NOT NULL,
    block_hash   BYTEA       NOT NULL,
    tx_hash      BYTEA       NOT NULL,
    log_index    INTEGER     NOT NULL,
    address      BYTEA       NOT NULL,
    topic0       BYTEA,
    topics       BYTEA       NOT NULL, -- the topics, 32 bytes each, concatenated
    data         BYTEA       NOT NULL,
    reason       TEXT        NOT NULL CHECK (reason IN ('unknown_topic', 'malformed')),
    detail       TEXT        NOT NULL,
    stored_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT raw_logs_log_unique UNIQUE (tx_hash, log_index)
);

CREATE INDEX raw_logs_block_number ON raw_logs (block_number);
CREATE INDEX raw_logs_stored_at ON raw_logs (stored_at);
