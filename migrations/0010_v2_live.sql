-- LIVE on Avantis v2: a copy order is a signed intent submitted to the relayer
-- (CopyOrderMachine): intent -> signed -> accepted -> initiated -> filled, or declined / failed / expired.
-- The v1.5 statuses map onto it: a sent transaction waited for the keeper (initiated), a keeper's
-- MarketOpenCanceled was a declined order.
ALTER TABLE copy_orders DROP CONSTRAINT copy_orders_status_check;
UPDATE copy_orders SET status = 'declined' WHERE status = 'canceled';
-- v1.5 LIVE orders still in flight cannot be followed by the v2 executor (their calldata reverts
-- since the upgrade); none can still execute months later, so they end here, saying why.
UPDATE copy_orders SET status = 'expired', completed_at = now(),
       reason = 'left in flight by the v1.5 executor at the upgrade to Avantis v2: check the wallet on chain'
WHERE mode = 'LIVE' AND status IN ('signed', 'submitted');
ALTER TABLE copy_orders ADD CONSTRAINT copy_orders_status_check
    CHECK (status IN ('intent', 'signed', 'accepted', 'initiated', 'filled', 'skipped', 'failed', 'declined', 'expired'));

ALTER TABLE copy_orders
    ADD COLUMN wallet           BYTEA CHECK (octet_length(wallet) = 20),  -- the trading wallet the intent is for
    ADD COLUMN intent_nonce     TEXT,      -- 256-bit 0x-hex, stored before signing, never reused
    ADD COLUMN intent_kind      TEXT,      -- OpenTradeReq, CloseTradeReq
    ADD COLUMN order_type       INTEGER,   -- the relayer's orderType (0 open, 1 close)
    ADD COLUMN intent_digest    BYTEA,
    ADD COLUMN user_intent      BYTEA,     -- abi.encode of the message: what is submitted again after a crash
    ADD COLUMN intent_signature BYTEA,
    ADD COLUMN deadline_ms      BIGINT,
    ADD COLUMN tracking_id      TEXT,      -- MarketOrderAccepted's, stored before anything else
    ADD COLUMN last_seq         BIGINT,    -- how far the relayer's events were read
    ADD COLUMN open_timestamp   BIGINT,    -- our position's on-chain open time, which a close binds
    ADD COLUMN own_fill_id      BIGINT,    -- our fill in `fills`, once the indexer has it
    ADD COLUMN lease_epoch      BIGINT;    -- the executor lease's epoch of the last LIVE write

-- LIVE intents not signed yet (a close waiting for the stop to clear) get their nonce now:
-- 256 random bits, as the engine draws them for new orders.
UPDATE copy_orders SET intent_nonce = '0x' || md5(random()::text || id::text) || md5(id::text || random()::text)
WHERE mode = 'LIVE' AND status = 'intent';

CREATE UNIQUE INDEX copy_orders_intent_nonce ON copy_orders (intent_nonce) WHERE intent_nonce IS NOT NULL;
CREATE UNIQUE INDEX copy_orders_own_fill ON copy_orders (own_fill_id) WHERE own_fill_id IS NOT NULL;
-- Our fills, found by the reconciler.
CREATE INDEX fills_order_id ON fills (order_id);

DROP INDEX copy_orders_active;
CREATE INDEX copy_orders_active ON copy_orders (id) WHERE status IN ('intent', 'signed', 'accepted', 'initiated');
DROP INDEX copy_orders_open_positions;
CREATE INDEX copy_orders_open_positions ON copy_orders (id)
    WHERE action = 'open' AND position_closed_at IS NULL AND status IN ('intent', 'signed', 'accepted', 'initiated', 'filled');
-- LIVE fills the indexer has not matched yet (the reconciler's other half).
CREATE INDEX copy_orders_unmatched ON copy_orders (id)
    WHERE mode = 'LIVE' AND status = 'filled' AND own_fill_id IS NULL AND intent_digest IS NOT NULL;

-- Fenced leases: each time a replica takes a singleton's lock it takes the next epoch; a write
-- carrying an older epoch is refused, so a holder that lost its lock cannot write any more.
CREATE TABLE singleton_leases (
    name     TEXT PRIMARY KEY,
    epoch    BIGINT      NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The time of the indexed blocks: an intent whose deadline is older than the confirmed chain
-- (INDEXER_CONFIRMATIONS deep) with no fill of ours is expired for certain.
ALTER TABLE indexer_state ADD COLUMN last_block_time BIGINT;
ALTER TABLE indexer_blocks ADD COLUMN block_time BIGINT;
