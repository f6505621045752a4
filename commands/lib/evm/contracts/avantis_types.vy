# Types shared by the mock Avantis contracts: the Trade tuple exactly as on Base, and one
# keeper execution (a fill) with the fees that go with it.

struct Trade:
    trader: address
    pairIndex: uint256
    index: uint256
    initialPosToken: uint256
    positionSizeUSDC: uint256
    openPrice: uint256
    buy: bool
    leverage: uint256
    tp: uint256
    sl: uint256
    timestamp: uint256

# kind: 0 = MarketExecuted, 1 = LimitExecuted, 2 = MarketOpenCanceled, 3 = a close that could
# not be executed (v2: MarketOpenCanceled from TradingStorage).
# coinExposure and fundingFee are v2's; earlier generations ignore them.
# orderType (LimitExecuted): 0 = TP, 1 = SL, 2 = liquidation, 3 = limit open.
struct Execution:
    kind: uint8
    orderId: uint256
    limitIndex: uint256
    t: Trade
    open: bool
    orderType: uint8
    price: uint256
    positionSizeUSDC: uint256
    percentProfit: int256
    usdcSentToTrader: uint256
    isPnl: bool
    openingFee: uint256
    rolloverFee: uint256
    closingFee: uint256
    lossProtection: uint256
    coinExposure: uint256
    fundingFee: int256
