-- Our own stop-loss and take-profit of a copied open (COPY_STOP_LOSS_PCT, COPY_TAKE_PROFIT_PCT),
-- as prices x 1e10: carried by a LIVE open's intent, watched against the marks in DRY.
ALTER TABLE copy_orders
    ADD COLUMN stop_loss_price   BIGINT,
    ADD COLUMN take_profit_price BIGINT;
