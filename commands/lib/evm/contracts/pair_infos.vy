# pragma version 0.4.3
# Mock Avantis PairInfos: emits the close-side FeesCharged (rollover + closing fee, no
# trader fields) and TradeInitialAccFeesStored with the real signatures.

event FeesCharged:
    buy: bool
    collateral: uint256
    leverage: uint256
    percentProfit: int256
    r: uint256
    closingFee: uint256
    lossProtection: uint256

event TradeInitialAccFeesStored:
    trader: address
    pairIndex: uint256
    index: uint256
    rollover: uint256

@external
def chargeClosingFees(buy: bool, collateral: uint256, leverage: uint256, percentProfit: int256,
                      r: uint256, closingFee: uint256, lossProtection: uint256):
    log FeesCharged(buy=buy, collateral=collateral, leverage=leverage, percentProfit=percentProfit,
                    r=r, closingFee=closingFee, lossProtection=lossProtection)

@external
def storeInitialAccFees(trader: address, pairIndex: uint256, index: uint256, rollover: uint256):
    log TradeInitialAccFeesStored(trader=trader, pairIndex=pairIndex, index=index, rollover=rollover)
