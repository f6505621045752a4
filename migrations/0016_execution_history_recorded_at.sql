-- When each change was written, to the microsecond: changed_at carries the mode machine's clock
-- in whole seconds, too coarse to order a change against the relayer's acceptances around it
-- (the soak's "no order accepted while the stop was on" reads this column).
ALTER TABLE execution_history ADD COLUMN recorded_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp();
