-- Avantis v2 catch-up.
-- 1. Increases: collateral added to an open position (PositionSizeIncreased) is a fill of its own.
ALTER TABLE fills DROP CONSTRAINT fills_kind_check;
ALTER TABLE fills ADD CONSTRAINT fills_kind_check
    CHECK (kind IN ('open', 'close', 'partial_close', 'take_profit', 'stop_loss', 'liquidation', 'increase'));

-- 2. Positions touched by an event alfa cannot decode yet (an unknown topic0 whose data holds
--    the position's trader, pair and slot): their later closes may not match the FIFO book, so
--    the trader's record is uncertain until the event is decoded (alfa abi redecode clears them).
CREATE TABLE uncertain_positions (
    trader      BYTEA   NOT NULL CHECK (octet_length(trader) = 20),
    pair_index  INTEGER NOT NULL,
    trade_index INTEGER NOT NULL,
    raw_log_id  BIGINT  NOT NULL REFERENCES raw_logs (id) ON DELETE CASCADE,
    PRIMARY KEY (raw_log_id, trader, pair_index, trade_index)
);
CREATE INDEX uncertain_positions_trader ON uncertain_positions (trader);

-- 3. Everything alfa abi redecode needs to turn a stored raw log into fills without the RPC:
--    its block's time, and the known logs of its transaction (the fees matched to a fill),
--    kept beside it as reason 'companion'.
ALTER TABLE raw_logs ADD COLUMN block_time TIMESTAMPTZ;
ALTER TABLE raw_logs DROP CONSTRAINT raw_logs_reason_check;
ALTER TABLE raw_logs ADD CONSTRAINT raw_logs_reason_check CHECK (reason IN ('unknown_topic', 'malformed', 'companion'));
