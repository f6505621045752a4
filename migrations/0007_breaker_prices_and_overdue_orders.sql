-- The volatility breaker reads the market's latest prices of each pair the copy account trades:
-- an index walked backwards per pair instead of a scan of every fill.
CREATE INDEX fills_pair_recent ON fills (pair_index, block_number, log_index);

-- LIVE orders still waiting for the chain or the keeper after COPY_ORDER_TIMEOUT_SECONDS are
-- reported to the admins once; this records that they were.
ALTER TABLE copy_orders ADD COLUMN overdue_alerted_at TIMESTAMPTZ;
