-- /watch: each chat user's traders to hear about. A push goes to the chat the user watched from
-- (their private chat with the bot); a chat that blocks the bot (403) loses its watches.
CREATE TABLE watches (
    user_id    BIGINT      NOT NULL,
    chat_id    BIGINT      NOT NULL,
    trader     BYTEA       NOT NULL CHECK (octet_length(trader) = 20),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, trader)
);
CREATE INDEX watches_trader ON watches (trader);
CREATE INDEX watches_chat ON watches (chat_id);

-- The last fill pushed to watchers. One row, locked by the replica pushing, so each fill is
-- pushed once however many replicas run; it starts at the newest fill (no history replayed).
CREATE TABLE watch_cursor (
    singleton    BOOLEAN     PRIMARY KEY DEFAULT true CHECK (singleton),
    last_fill_id BIGINT      NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A chart travels through the outbox like an alert's text (a report raised on one replica is
-- sent by the replica polling Telegram): the PNG, and the text as its caption when short.
ALTER TABLE alert_outbox ADD COLUMN photo BYTEA;
ALTER TABLE alert_outbox ADD COLUMN photo_name TEXT;
