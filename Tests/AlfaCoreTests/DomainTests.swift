import AlfaCore
import Foundation
import Testing

@Suite("Domain values")
struct DomainTests {
    @Test func addressesCompareByBytesWhateverTheLetterCase() throws {
        let checksummed = try #require(EVMAddress(hex: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"))
        let lower = try #require(EVMAddress(hex: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"))
        #expect(checksummed == lower)
        #expect(checksummed.description == "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913")
        #expect(checksummed.short == "0x8335…2913")
    }

    @Test(arguments: ["", "0x", "833589fcd6edb6e08f4c7c32d4f71b54bda02913", "0x833589fcd6edb6e08f4c7c32d4f71b54bda0291",
                      "0x833589fcd6edb6e08f4c7c32d4f71b54bda029133", "0xg33589fcd6edb6e08f4c7c32d4f71b54bda02913"])
    func malformedAddressesAreRejected(text: String) {
        #expect(EVMAddress(hex: text) == nil)
    }

    @Test func hexRoundTrips() {
        let bytes: [UInt8] = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        #expect(Hex.decode("ABcd") == [0xab, 0xcd])
        #expect(Hex.decode("abc") == nil)
    }

    @Test func aFillDerivesNotionalGrossAndNetFromRawIntegers() {
        let close = Fill(
            blockNumber: 1, blockHash: .zero, blockTime: 0, txHash: .zero, logIndex: 0, eventGeneration: "v1.5",
            trader: EVMAddress(bytes: Array(repeating: 1, count: 20))!, pairIndex: 0, tradeIndex: 0, openTime: 0,
            kind: .partialClose, orderType: .market, isLong: true, price: 65_000_0000000000, leverage: 25_0000000000,
            collateral: 400_000_000, positionCollateral: 1_000_000_000, percentProfit: 37_5000000000, payout: 545_000_000,
            openingFee: 0, closingFee: 4_000_000, rolloverFee: 1_000_000, orderID: 1)
        #expect(close.notional == 10_000_000_000)          // 400 USDC × 25 = 10,000 USDC
        #expect(close.grossPnL == 150_000_000)             // 37.5 % of 400 USDC
        #expect(close.netPnL == 145_000_000)               // 545 paid out for 400 released
        #expect(close.fees == 5_000_000)
        var open = close
        open.kind = .open
        #expect(open.grossPnL == 0 && open.netPnL == 0)
    }

    @Test func fillKindsUseTheExportSpellings() {
        #expect(FillKind.allCases.map(\.rawValue) == ["open", "close", "partial_close", "take_profit", "stop_loss", "liquidation", "increase"])
    }
}
