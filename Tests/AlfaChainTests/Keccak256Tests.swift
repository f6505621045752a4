@testable import AlfaChain
import AlfaCore
import Testing

@Suite("Keccak-256")
struct Keccak256Tests {
    @Test(arguments: [
        // Published vectors (Ethereum's Keccak-256, not SHA3-256).
        ("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        ("Transfer(address,address,uint256)", "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
        ("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
        ("transfer(address,uint256)", "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"),
    ])
    func matchesPublishedVectors(input: String, digest: String) {
        #expect(Hex.encode(Keccak256.hash(input)) == digest)
    }

    @Test func inputsAroundTheBlockBoundaryHashDifferently() {
        // 135, 136 and 137 bytes straddle the 136-byte rate: padding must go in the right block.
        let digests = [135, 136, 137, 272].map { Hex.encode(Keccak256.hash([UInt8](repeating: 0x61, count: $0))) }
        #expect(Set(digests).count == 4)
        #expect(digests[0] == "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446")
        #expect(digests[1] == "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e")
    }

    @Test func avantisTopicsComputeToTheValuesSeenOnChain() {
        let market = "MarketExecuted(uint256,(address,uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256),bool,uint256,uint256,int256,uint256)"
        #expect(Hex.encode(Keccak256.hash(market)) == "dbe34a0ae1c9c65460a7efc44af9aadd9b07a8b3e112ee70a71eeeba287b2d62")
        #expect(Hex.encode(Keccak256.hash("MarketOpenCanceled(uint256,address,uint256)"))
            == "4b2ef4d80a0964a9a8f43256d8111558389b384d2029743c1eeb6950b14d9c65")
    }
}
