# pragma version 0.4.3
# Mock Avantis TradingStorage: emits the opening-fee FeesCharged and OIUpdated with the
# real signatures, when the callbacks proxy asks, and holds the collateral of new orders
# (the copy wallet approves USDC to this contract, as on Base).

interface USDC:
    def transferFrom(sender: address, receiver: address, amount: uint256) -> bool: nonpayable

event FeesCharged:
    _trader: address
    _pairIndex: uint256
    _buy: bool
    fee: uint256

# v2: also emitted here, for example when a market close could not be executed.
event MarketOpenCanceled:
    orderId: uint256
    trader: indexed(address)
    pairIndex: uint256

event OIUpdated:
    _open: bool
    _long: bool
    _pairIndex: uint256
    _leveragedPos: uint256
    _price: uint256

usdc: public(address)
trading: public(address)

@external
def setup(usdc: address, trading: address):
    assert self.trading == empty(address), "already set up"
    self.usdc = usdc
    self.trading = trading

@external
def pullCollateral(trader: address, amount: uint256):
    assert msg.sender == self.trading, "only Trading"
    assert extcall USDC(self.usdc).transferFrom(trader, self, amount), "USDC transfer failed"

@external
def chargeOpeningFee(trader: address, pairIndex: uint256, buy: bool, fee: uint256):
    log FeesCharged(_trader=trader, _pairIndex=pairIndex, _buy=buy, fee=fee)

@external
def cancelOrder(orderId: uint256, trader: address, pairIndex: uint256):
    log MarketOpenCanceled(orderId=orderId, trader=trader, pairIndex=pairIndex)

@external
def updateOI(open: bool, long: bool, pairIndex: uint256, leveragedPos: uint256, price: uint256):
    log OIUpdated(_open=open, _long=long, _pairIndex=pairIndex, _leveragedPos=leveragedPos, _price=price)
