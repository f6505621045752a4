# pragma version 0.4.3
# Mock Avantis PairInfos: emits the close-side FeesCharged (rollover + closing fee, no
# trader fields; v2 adds funding) and TradeInitialAccFeesStored with the real signatures.

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

# v2's FeesCharged adds a signed fundingFee; one contract cannot declare two events of one
# name, so the v2 one is logged raw with its own signature's topic0.
FEES_CHARGED_V2: constant(bytes32) = keccak256("FeesCharged(bool,uint256,uint256,int256,uint256,uint256,uint256,int256)")

@external
def chargeClosingFeesV2(buy: bool, collateral: uint256, leverage: uint256, percentProfit: int256,
                        r: uint256, closingFee: uint256, lossProtection: uint256, fundingFee: int256):
    raw_log([FEES_CHARGED_V2], abi_encode(buy, collateral, leverage, percentProfit, r, closingFee, lossProtection, fundingFee))

@external
def storeInitialAccFees(trader: address, pairIndex: uint256, index: uint256, rollover: uint256):
    log TradeInitialAccFeesStored(trader=trader, pairIndex=pairIndex, index=index, rollover=rollover)
