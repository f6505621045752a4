-- Fills: one row per Avantis execution (MarketExecuted / LimitExecuted), with the fees of
-- the same transaction matched to it. Raw on-chain integers: USDC x 1e6, price and
-- leverage x 1e10, percent_profit percent x 1e10. Addresses and hashes are raw bytes.
CREATE TABLE fills (
    id                  BIGSERIAL PRIMARY KEY,
    block_number        BIGINT      NOT NULL CHECK (block_number >= 0),
    block_hash          BYTEA       NOT NULL CHECK (octet_length(block_hash) = 32),
    block_time          TIMESTAMPTZ NOT NULL,
    tx_hash             BYTEA       NOT NULL CHECK (octet_length(tx_hash) = 32),
    log_index           INTEGER     NOT NULL CHECK (log_index >= 0),
    event_generation    TEXT        NOT NULL,
    trader              BYTEA       NOT NULL CHECK (octet_length(trader) = 20),
    pair_index          INTEGER     NOT NULL CHECK (pair_index >= 0),
    trade_index         INTEGER     NOT NULL CHECK (trade_index >= 0),
    open_time           BIGINT      NOT NULL,
    kind                TEXT        NOT NULL
        CHECK (kind IN ('open', 'close', 'partial_close', 'take_profit', 'stop_loss', 'liquidation')),
    order_type          TEXT        NOT NULL CHECK (order_type IN ('market', 'limit')),
    is_long             BOOLEAN     NOT NULL,
    price               BIGINT      NOT NULL CHECK (price >= 0),
    leverage            BIGINT      NOT NULL CHECK (leverage >= 0),
    collateral          BIGINT      NOT NULL CHECK (collateral >= 0),
    position_collateral BIGINT      NOT NULL CHECK (position_collateral >= 0),
    notional            BIGINT      NOT NULL CHECK (notional >= 0),
    percent_profit      BIGINT      NOT NULL,
    payout              BIGINT      NOT NULL CHECK (payout >= 0),
    opening_fee         BIGINT      NOT NULL DEFAULT 0,
    closing_fee         BIGINT      NOT NULL DEFAULT 0,
    rollover_fee        BIGINT      NOT NULL DEFAULT 0,
    gross_pnl           BIGINT      NOT NULL DEFAULT 0,
    net_pnl             BIGINT      NOT NULL DEFAULT 0,
    order_id            NUMERIC(78, 0) NOT NULL,
    -- Exactly once: a log is identified by its transaction and position in the block.
    CONSTRAINT fills_log_unique UNIQUE (tx_hash, log_index)
);

-- Per-trader history in time order (FIFO, metrics, alfa trader).
CREATE INDEX fills_trader_time ON fills (trader, block_time, log_index);
-- Windows over everyone (leaderboard 7d/30d, exports by date).
CREATE INDEX fills_block_time ON fills (block_time);
-- Reorg rollback and exports by block range.
CREATE INDEX fills_block_number ON fills (block_number);

-- Positions: one row per position lifecycle (the slot trade_index is reused, open_time
-- tells lifecycles apart), kept current from fills.
CREATE TABLE trader_positions (
    trader          BYTEA       NOT NULL CHECK (octet_length(trader) = 20),
    pair_index      INTEGER     NOT NULL,
    trade_index     INTEGER     NOT NULL,
    open_time       BIGINT      NOT NULL,
    is_long         BOOLEAN     NOT NULL,
    entry_price     BIGINT      NOT NULL,
    leverage        BIGINT      NOT NULL,
    collateral      BIGINT      NOT NULL CHECK (collateral >= 0),
    opening_fee     BIGINT      NOT NULL DEFAULT 0,
    status          TEXT        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_block    BIGINT      NOT NULL,
    updated_block   BIGINT      NOT NULL,
    closed_at       TIMESTAMPTZ,
    PRIMARY KEY (trader, pair_index, trade_index, open_time)
);

CREATE INDEX trader_positions_open ON trader_positions (trader) WHERE status = 'open';
CREATE INDEX trader_positions_updated_block ON trader_positions (updated_block);
