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
