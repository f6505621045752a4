-- The volatility breaker reads the market's latest prices of each pair the copy account trades:
-- an index walked backwards per pair instead of a scan of every fill.
CREATE INDEX fills_pair_recent ON fills (pair_index, block_number, log_index);

-- LIVE orders still waiting for the chain or the keeper after COPY_ORDER_TIMEOUT_SECONDS are
-- reported to the admins once; this records that they were.
ALTER TABLE copy_orders ADD COLUMN overdue_alerted_at TIMESTAMPTZ;

-- Orders by creation time: the pairs traded lately (volatility breaker), reports and exports by period.
CREATE INDEX copy_orders_created ON copy_orders (created_at);

-- Positions closed for good (their filled closes cover the open): the copy engine reads only
-- the others, so its step does not slow down as the account's history grows.
ALTER TABLE copy_orders ADD COLUMN position_closed_at TIMESTAMPTZ;
UPDATE copy_orders o SET position_closed_at = now()
WHERE o.action = 'open' AND o.status = 'filled'
  AND o.fill_collateral <= (SELECT coalesce(sum(c.collateral), 0) FROM copy_orders c
                            WHERE c.position_order_id = o.id AND c.action = 'close' AND c.status = 'filled');
CREATE INDEX copy_orders_open_positions ON copy_orders (id)
    WHERE action = 'open' AND position_closed_at IS NULL AND status IN ('intent', 'signed', 'submitted', 'filled');
