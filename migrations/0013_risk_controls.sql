-- Closes no leader made: an admin's /copy close, or a breaker under BREAKER_ACTION=close_all.
-- They pass the emergency stop (they only take risk off); null for a leader's own.
ALTER TABLE copy_orders ADD COLUMN ordered_by TEXT;
