-- Avantis v2 (2026-08-12) settles funding at each close, in PairInfos FeesCharged: signed,
-- positive when the trader paid, negative when the trader received, USDC x 1e6. It is already
-- taken out of the payout, like the rollover and closing fees, so the clean PnL does not
-- subtract it again; it is kept to be reported. Fills of v1 and v1.5 carry 0.
ALTER TABLE fills ADD COLUMN funding_usdc BIGINT NOT NULL DEFAULT 0;
