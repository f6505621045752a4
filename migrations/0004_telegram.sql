-- Telegram bot state. The offset is written after each update is handled, so a restart
-- neither replays nor loses a command. Keyed by the bot's id: a new token for another
-- bot starts from its own offset.
CREATE TABLE telegram_offsets (
    bot_id      BIGINT PRIMARY KEY,
    next_offset BIGINT      NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Chats the bot must stop writing to (403) or that became supergroups (migrate_to_chat_id).
CREATE TABLE telegram_chats (
    chat_id        BIGINT PRIMARY KEY,
    blocked_at     TIMESTAMPTZ,
    blocked_reason TEXT,
    migrated_to    BIGINT,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Admin alerts are written here before they are sent and closed when delivered, so a 429
-- or a restart never loses one.
CREATE TABLE alert_outbox (
    id          BIGSERIAL PRIMARY KEY,
    chat_id     BIGINT      NOT NULL,
    text        TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    outcome     TEXT
);
CREATE INDEX alert_outbox_pending ON alert_outbox (id) WHERE finished_at IS NULL;

-- Every admin command and every refused attempt: who, when, what, result.
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    user_id  BIGINT      NOT NULL,
    chat_id  BIGINT      NOT NULL,
    source   TEXT        NOT NULL CHECK (source IN ('telegram', 'console')),
    command  TEXT        NOT NULL,
    allowed  BOOLEAN     NOT NULL,
    result   TEXT        NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
