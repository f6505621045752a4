# pragma version 0.4.3
# Mock Avantis TradingCallbacks proxy: like the real one, the address stays and the
# implementation changes, so v1 and v1.5 events come from one address.

implementation: public(address)
admin: public(address)

@deploy
def __init__(implementation: address):
    self.implementation = implementation
    self.admin = msg.sender

@external
def upgradeTo(implementation: address):
    assert msg.sender == self.admin, "not admin"
    self.implementation = implementation

@external
@payable
def __default__():
    raw_call(self.implementation, msg.data, max_outsize=0, is_delegate_call=True)
