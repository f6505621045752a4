import AlfaCore
import Foundation
import Testing

@Suite("Pair catalogue")
struct PairCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func theBuiltInTableEqualsTheDataFile() throws {
        let text = try String(contentsOfFile: Self.root + "/data/avantis-pairs.tsv", encoding: .utf8)
        #expect(Array(text.utf8) == Array(PairCatalogue.builtInTable.utf8), "data/avantis-pairs.tsv differs: run commands/lib/embed")
    }

    @Test func pairsHaveTheirSymbolsAndPythFeeds() {
        let catalogue = PairCatalogue.builtIn
        #expect(catalogue.pairs.count == 112)
        #expect(catalogue.name(of: 0) == "ETH/USD" && catalogue.name(of: 1) == "BTC/USD")
        #expect(catalogue.pairs[1]?.pythFeedID == "0xe62df6c8b4a85fe1a67db44dc12de5db330f7ac66b72dc658afedf0f4a415b43")
        #expect(catalogue.pairs.values.filter { !$0.isListed }.count == 4)
        #expect(catalogue.name(of: 9_999) == "pair 9999")
        #expect(catalogue.index(of: "eth") == 0 && catalogue.index(of: "BTC/USD") == 1 && catalogue.index(of: "NOPE") == nil)
    }

    @Test func unreadableRowsAreLeftOutAndAnEmptyTableKnowsNothing() {
        let table = "pairIndex\tpair\tpythFeedId\nx\tBAD/USD\t0x01\n7\tSOL/USD\t0xAB\n8\n"
        let catalogue = PairCatalogue(table: table)
        #expect(catalogue.pairs.keys.sorted() == [7] && catalogue.pairs[7]?.pythFeedID == "0xab" && catalogue.pairs[7]?.isListed == true)
        #expect(PairCatalogue(table: "").pairs.isEmpty && PairCatalogue(table: "a\tb\n1\t2").pairs.isEmpty)
    }
}
