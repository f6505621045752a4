# pragma version 0.4.3
# Mock Avantis Trading (the entry point): takes `openTrade` and `closeTradeMarket` with the
# real v1.5 ABI and emits `MarketOrderInitiated`. Execution is asynchronous, as on Base: the
# launcher's keeper answers each order with `MarketExecuted` or `MarketOpenCanceled` from the
# callbacks contract in a later transaction.

from . import avantis_types

interface TradingStorage:
    def pullCollateral(trader: address, amount: uint256): nonpayable

event MarketOrderInitiated:
    trader: indexed(address)
    pairIndex: uint256
    open: bool
    orderId: uint256
    timestamp: uint256
    isBuy: bool
    isPnl: bool
    initialPosToken: uint256
    leverage: uint256

STORAGE: immutable(TradingStorage)
lastOrderId: public(uint256)

@deploy
def __init__(trading_storage: address):
    STORAGE = TradingStorage(trading_storage)

@external
@payable
def openTrade(t: avantis_types.Trade, _type: uint8, _slippageP: uint256) -> uint256:
    assert t.trader == msg.sender, "trader must be the sender"
    assert _type == 0, "only market orders"
    assert t.positionSizeUSDC > 0 and t.leverage > 0 and t.openPrice > 0, "empty trade"
    # The collateral moves now (USDC approved to TradingStorage), the fill comes later.
    extcall STORAGE.pullCollateral(msg.sender, t.positionSizeUSDC)
    self.lastOrderId += 1
    log MarketOrderInitiated(trader=msg.sender, pairIndex=t.pairIndex, open=True, orderId=self.lastOrderId,
                             timestamp=block.timestamp, isBuy=t.buy, isPnl=False,
                             initialPosToken=t.positionSizeUSDC, leverage=t.leverage)
    return self.lastOrderId

@external
@payable
def closeTradeMarket(_pairIndex: uint256, _index: uint256, _amount: uint256) -> uint256:
    assert _amount > 0, "nothing to close"
    self.lastOrderId += 1
    log MarketOrderInitiated(trader=msg.sender, pairIndex=_pairIndex, open=False, orderId=self.lastOrderId,
                             timestamp=block.timestamp, isBuy=False, isPnl=False,
                             initialPosToken=_amount, leverage=0)
    return self.lastOrderId
