-- Closes no leader made: an admin's /copy close, or a breaker under BREAKER_ACTION=close_all.
-- They pass the emergency stop (they only take risk off); null for a leader's own.
ALTER TABLE copy_orders ADD COLUMN ordered_by TEXT;

-- /copy set: one leader's own copy settings over the environment's defaults, as the canonical
-- text `LeaderSettings` parses ("size=50 maxpos=2 pairs=BTC,ETH sl=20").
CREATE TABLE copy_leader_settings (
    leader     BYTEA       PRIMARY KEY,
    settings   TEXT        NOT NULL,
    changed_by TEXT        NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Copy-action notices (/notify): each settled order is told once, grouped per minute. Orders
-- settled before this migration count as told, so an upgrade does not replay the history.
ALTER TABLE copy_orders ADD COLUMN notified_at TIMESTAMPTZ DEFAULT now();
ALTER TABLE copy_orders ALTER COLUMN notified_at DROP DEFAULT;
CREATE INDEX copy_orders_to_notify ON copy_orders (id) WHERE notified_at IS NULL;

-- Each admin's level per kind of notice; a kind without a row is 'on'.
CREATE TABLE notify_preferences (
    user_id    BIGINT      NOT NULL,
    kind       TEXT        NOT NULL CHECK (kind IN ('opened', 'closed', 'skipped', 'failed')),
    level      TEXT        NOT NULL CHECK (level IN ('on', 'silent', 'off')),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);

-- A silent message reaches the chat without a sound (Telegram's disable_notification).
ALTER TABLE alert_outbox ADD COLUMN silent BOOLEAN NOT NULL DEFAULT false;

-- The leaderboard values open positions at marks: unrealized PnL (USDC × 1e6) and open_risk
-- (losing open collateral / peak collateral); the score counts losses kept open.
ALTER TABLE leaderboard_entries ADD COLUMN unrealized_pnl BIGINT NOT NULL DEFAULT 0;
ALTER TABLE leaderboard_entries ADD COLUMN open_risk DOUBLE PRECISION NOT NULL DEFAULT 0;
