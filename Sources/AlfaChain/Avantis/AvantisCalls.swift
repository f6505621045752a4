import AlfaCore

/// Calldata for what the LIVE executor sends: Trading's `openTrade` / `closeTradeMarket`
/// (v1.5 ABI, see avantis-events.md) and USDC's `approve` / `allowance`.
public enum AvantisCalls {
    static let tradeTuple = "(address,uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256)"
    public static let openTradeSelector = selector("openTrade(\(tradeTuple),uint8,uint256)")
    public static let closeTradeMarketSelector = selector("closeTradeMarket(uint256,uint256,uint256)")
    public static let approveSelector = selector("approve(address,uint256)")
    public static let allowanceSelector = selector("allowance(address,address)")
    /// `MarketOrderInitiated(address indexed trader, uint256 pairIndex, bool open, uint256 orderId, …)` from Trading.
    public static let marketOrderInitiatedTopic = Hash32(bytes: Keccak256.hash(
        "MarketOrderInitiated(address,uint256,bool,uint256,uint256,bool,bool,uint256,uint256)"))!

    /// `MarketOpenCanceled(uint256 orderId, address indexed trader, uint256 pairIndex)` from the callbacks.
    public static let marketOpenCanceledTopic = Hash32(bytes: Keccak256.hash("MarketOpenCanceled(uint256,address,uint256)"))!

    /// A market open: the Trade tuple carries the collateral in `positionSizeUSDC` (USDC × 1e6), the
    /// expected price and leverage × 1e10; `slippageP` is percent × 1e10.
    public static func openTrade(trader: EVMAddress, pairIndex: Int32, collateral: Int64, price: Int64, isLong: Bool,
                                 leverage: Int64, slippageBps: Int64) -> [UInt8] {
        let slippagePercent = slippageBps * 100_000_000  // bps → percent × 1e10
        let trade: [[UInt8]] = [address(trader), uint(Int64(pairIndex)), uint(0), uint(0), uint(collateral), uint(price),
                                uint(isLong ? 1 : 0), uint(leverage), uint(0), uint(0), uint(0)]
        return openTradeSelector + trade.flatMap { $0 } + uint(0) + uint(slippagePercent)
    }

    /// A market close of `collateral` (USDC × 1e6) of the position in slot (pairIndex, tradeIndex).
    public static func closeTradeMarket(pairIndex: Int32, tradeIndex: Int32, collateral: Int64) -> [UInt8] {
        closeTradeMarketSelector + uint(Int64(pairIndex)) + uint(Int64(tradeIndex)) + uint(collateral)
    }

    /// An unlimited approval: one transaction for the wallet's lifetime, not one per order.
    public static func approveUnlimited(spender: EVMAddress) -> [UInt8] {
        approveSelector + address(spender) + [UInt8](repeating: 0xff, count: 32)
    }

    public static func allowance(owner: EVMAddress, spender: EVMAddress) -> [UInt8] {
        allowanceSelector + address(owner) + address(spender)
    }

    /// The order id in a `MarketOrderInitiated` log's data (word 2: pairIndex, open, orderId, …).
    public static func orderID(fromOrderInitiatedData data: [UInt8]) -> UInt64? {
        guard data.count >= 96 else { return nil }
        return ABIWords(data).unsigned(2)
    }

    private static func selector(_ signature: String) -> [UInt8] { Array(Keccak256.hash(signature).prefix(4)) }

    private static func address(_ value: EVMAddress) -> [UInt8] { [UInt8](repeating: 0, count: 12) + value.bytes }

    private static func uint(_ value: Int64) -> [UInt8] {
        precondition(value >= 0, "ABI uint from a negative value")
        return [UInt8](repeating: 0, count: 24) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}
