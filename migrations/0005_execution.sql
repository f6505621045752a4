-- The execution mode and emergency stop every replica obeys (one row), and its history.
-- Changes are announced with NOTIFY alfa_execution.
CREATE TABLE execution_state (
    id             SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    mode           TEXT        NOT NULL CHECK (mode IN ('DRY', 'LIVE')),
    emergency_stop BOOLEAN     NOT NULL,
    changed_by     TEXT        NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL,
    reason         TEXT
);

CREATE TABLE execution_history (
    id             BIGSERIAL PRIMARY KEY,
    mode           TEXT        NOT NULL,
    emergency_stop BOOLEAN     NOT NULL,
    changed_by     TEXT        NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL,
    reason         TEXT
);

-- Circuit breakers: open ones stop trading until an admin resets them (survives restarts).
CREATE TABLE breaker_state (
    breaker    TEXT PRIMARY KEY,
    open       BOOLEAN     NOT NULL,
    value      DOUBLE PRECISION,
    threshold  DOUBLE PRECISION NOT NULL,
    detail     TEXT        NOT NULL,
    tripped_at TIMESTAMPTZ,
    reset_by   TEXT,
    reset_at   TIMESTAMPTZ
);

CREATE TABLE breaker_events (
    id        BIGSERIAL PRIMARY KEY,
    breaker   TEXT        NOT NULL,
    event     TEXT        NOT NULL CHECK (event IN ('trip', 'reset')),
    value     DOUBLE PRECISION,
    threshold DOUBLE PRECISION,
    detail    TEXT        NOT NULL,
    actor     TEXT        NOT NULL,
    at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Leaders chosen by admins: follow adds one, unfollow excludes one (also from the automatic top K).
CREATE TABLE copy_leaders (
    leader     BYTEA PRIMARY KEY CHECK (octet_length(leader) = 20),
    followed   BOOLEAN     NOT NULL,
    changed_by TEXT        NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- How far the copy engine has read the fills table.
CREATE TABLE copy_cursor (
    id           SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    last_fill_id BIGINT      NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Copy orders: one per leader fill at most (the unique key), written before anything is
-- submitted. status: intent → signed (LIVE: raw transaction stored) → submitted → filled,
-- or skipped / failed / canceled. Amounts USDC x 1e6, prices and leverage x 1e10.
CREATE TABLE copy_orders (
    id                BIGSERIAL PRIMARY KEY,
    leader_fill_id    BIGINT      NOT NULL,
    leader_tx_hash    BYTEA       NOT NULL,
    leader_log_index  INTEGER     NOT NULL,
    leader            BYTEA       NOT NULL,
    leader_kind       TEXT        NOT NULL,
    leader_trade      TEXT        NOT NULL,          -- trader:pair:index:open_time, the leader position mirrored
    leader_price      BIGINT      NOT NULL,
    leader_time       TIMESTAMPTZ NOT NULL,
    action            TEXT        NOT NULL CHECK (action IN ('open', 'close', 'skip')),
    mode              TEXT        NOT NULL CHECK (mode IN ('DRY', 'LIVE')),
    status            TEXT        NOT NULL
        CHECK (status IN ('intent', 'signed', 'submitted', 'filled', 'skipped', 'failed', 'canceled')),
    reason            TEXT,
    pair_index        INTEGER     NOT NULL,
    is_long           BOOLEAN     NOT NULL,
    collateral        BIGINT      NOT NULL DEFAULT 0,
    leverage          BIGINT      NOT NULL DEFAULT 0,
    slippage_bps      BIGINT      NOT NULL DEFAULT 0,
    position_order_id BIGINT,                        -- the open this close belongs to
    trade_index       INTEGER,                       -- our slot on the exchange (LIVE)
    nonce             BIGINT,
    tx_hash           BYTEA,
    raw_tx            BYTEA,
    keeper_order_id   BIGINT,
    fill_price        BIGINT,
    fill_collateral   BIGINT,
    fee               BIGINT      NOT NULL DEFAULT 0,
    opening_fee_share BIGINT      NOT NULL DEFAULT 0,
    gross_pnl         BIGINT      NOT NULL DEFAULT 0,
    net_pnl           BIGINT      NOT NULL DEFAULT 0,
    gas_wei           NUMERIC(78, 0) NOT NULL DEFAULT 0,
    gas_usdc          BIGINT      NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    submitted_at      TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    CONSTRAINT copy_orders_leader_fill_unique UNIQUE (leader_tx_hash, leader_log_index)
);

CREATE INDEX copy_orders_active ON copy_orders (id) WHERE status IN ('intent', 'signed', 'submitted');
CREATE INDEX copy_orders_position ON copy_orders (position_order_id);
CREATE UNIQUE INDEX copy_orders_nonce ON copy_orders (nonce) WHERE nonce IS NOT NULL;
