# pragma version 0.4.3
# Mock Avantis TradingCallbacks implementation, events of generation v2 (the fill events gain coinExposure, PairInfos FeesCharged a signed fundingFee).
# Runs behind callbacks_proxy.vy (delegatecall): immutables only, no storage of its own.
# Each execution emits the fee and open-interest events first, in the real log order.

from . import avantis_types

interface TradingStorage:
    def chargeOpeningFee(trader: address, pairIndex: uint256, buy: bool, fee: uint256): nonpayable
    def updateOI(open: bool, long: bool, pairIndex: uint256, leveragedPos: uint256, price: uint256): nonpayable
    def cancelOrder(orderId: uint256, trader: address, pairIndex: uint256): nonpayable

interface PairInfos:
    def chargeClosingFeesV2(buy: bool, collateral: uint256, leverage: uint256, percentProfit: int256, r: uint256, closingFee: uint256, lossProtection: uint256, fundingFee: int256): nonpayable
    def storeInitialAccFees(trader: address, pairIndex: uint256, index: uint256, rollover: uint256): nonpayable

event MarketExecuted:
    orderId: uint256
    t: avantis_types.Trade
    open: bool
    price: uint256
    positionSizeUSDC: uint256
    percentProfit: int256
    usdcSentToTrader: uint256
    isPnl: bool
    coinExposure: uint256
    isCoinExposureFixed: bool

event LimitExecuted:
    orderId: uint256
    limitIndex: uint256
    t: avantis_types.Trade
    orderType: uint8
    price: uint256
    positionSizeUSDC: uint256
    percentProfit: int256
    usdcSentToTrader: uint256
    isPnl: bool
    coinExposure: uint256

event MarketOpenCanceled:
    orderId: uint256
    trader: indexed(address)
    pairIndex: uint256

STORAGE: immutable(TradingStorage)
PAIR_INFOS: immutable(PairInfos)

@deploy
def __init__(trading_storage: address, pair_infos: address):
    STORAGE = TradingStorage(trading_storage)
    PAIR_INFOS = PairInfos(pair_infos)

@external
def execute(executions: DynArray[avantis_types.Execution, 32]):
    for e: avantis_types.Execution in executions:
        if e.kind == 2:
            log MarketOpenCanceled(orderId=e.orderId, trader=e.t.trader, pairIndex=e.t.pairIndex)
            continue
        if e.kind == 3:
            extcall STORAGE.cancelOrder(e.orderId, e.t.trader, e.t.pairIndex)
            continue
        opening: bool = e.open if e.kind == 0 else e.orderType == 3
        leveraged: uint256 = e.positionSizeUSDC * e.t.leverage // 10**10
        if opening:
            extcall STORAGE.chargeOpeningFee(e.t.trader, e.t.pairIndex, e.t.buy, e.openingFee)
            extcall PAIR_INFOS.storeInitialAccFees(e.t.trader, e.t.pairIndex, e.t.index, 0)
        else:
            extcall PAIR_INFOS.chargeClosingFeesV2(e.t.buy, e.positionSizeUSDC, e.t.leverage, e.percentProfit, e.rolloverFee, e.closingFee, e.lossProtection, e.fundingFee)
        extcall STORAGE.updateOI(opening, e.t.buy, e.t.pairIndex, leveraged, e.price)
        if e.kind == 0:
            log MarketExecuted(orderId=e.orderId, t=e.t, open=e.open, price=e.price, positionSizeUSDC=e.positionSizeUSDC, percentProfit=e.percentProfit, usdcSentToTrader=e.usdcSentToTrader, isPnl=e.isPnl, coinExposure=e.coinExposure, isCoinExposureFixed=False)
        else:
            log LimitExecuted(orderId=e.orderId, limitIndex=e.limitIndex, t=e.t, orderType=e.orderType, price=e.price, positionSizeUSDC=e.positionSizeUSDC, percentProfit=e.percentProfit, usdcSentToTrader=e.usdcSentToTrader, isPnl=e.isPnl, coinExposure=e.coinExposure)

@external
def emitRaw(topic0: bytes32, data: Bytes[2048]):
    # Test hook: a log this generation does not declare (a future generation, or malformed data).
    raw_log([topic0], data)
