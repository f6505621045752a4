-- Leaderboard snapshots: the last ranking of every window, stored so reads are instant
-- and survive restarts. Money in USDC x 1e6; rates as fractions 0-1.
CREATE TABLE leaderboard_snapshots (
    id           BIGSERIAL PRIMARY KEY,
    as_of        TIMESTAMPTZ NOT NULL,
    computed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_fill_id BIGINT      NOT NULL,
    traders      INTEGER     NOT NULL,
    eligible     INTEGER     NOT NULL,
    compute_ms   DOUBLE PRECISION NOT NULL
);

CREATE TABLE leaderboard_entries (
    snapshot_id        BIGINT  NOT NULL REFERENCES leaderboard_snapshots (id) ON DELETE CASCADE,
    time_window        TEXT    NOT NULL CHECK (time_window IN ('7d', '30d', 'all')),
    rank               INTEGER NOT NULL CHECK (rank > 0),
    trader             BYTEA   NOT NULL CHECK (octet_length(trader) = 20),
    score              DOUBLE PRECISION NOT NULL,
    clean_pnl          BIGINT  NOT NULL,
    gross_pnl          BIGINT  NOT NULL,
    fees               BIGINT  NOT NULL,
    trades             INTEGER NOT NULL,
    wins               INTEGER NOT NULL,
    volume             BIGINT  NOT NULL,
    profit_factor      DOUBLE PRECISION,
    expectancy         BIGINT  NOT NULL,
    max_drawdown       BIGINT  NOT NULL,
    max_drawdown_pct   DOUBLE PRECISION NOT NULL,
    peak_collateral    BIGINT  NOT NULL,
    sharpe             DOUBLE PRECISION NOT NULL,
    probabilistic_sharpe DOUBLE PRECISION NOT NULL,
    average_leverage   DOUBLE PRECISION NOT NULL,
    max_leverage       DOUBLE PRECISION NOT NULL,
    liquidations       INTEGER NOT NULL,
    median_hold_seconds BIGINT,
    short_hold_share   DOUBLE PRECISION NOT NULL,
    active_days        INTEGER NOT NULL,
    active_weeks       INTEGER NOT NULL,
    positive_weeks     INTEGER NOT NULL,
    closes             INTEGER NOT NULL,
    payout_mismatches  INTEGER NOT NULL,
    last_trade_time    TIMESTAMPTZ,
    PRIMARY KEY (snapshot_id, time_window, rank)
);

CREATE INDEX leaderboard_entries_trader ON leaderboard_entries (trader, snapshot_id);
