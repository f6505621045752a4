/// Avantis' pairs: index → symbol and Pyth feed id (`data/avantis-pairs.tsv`, built in).
public struct PairCatalogue: Sendable {
    public struct Pair: Sendable, Equatable {
        public let index: Int32
        /// "ETH/USD".
        public let symbol: String
        /// Pyth Hermes' price feed id, 0x + 64 hex digits.
        public let pythFeedID: String
        public let isListed: Bool
    }

    public let pairs: [Int32: Pair]

    /// The pairs of a tab-separated table with the header `pairIndex pair pythFeedId … isPairListed`.
    /// Rows that cannot be read are left out: a pair missing is shown by its number.
    public init(table: String) {
        var lines = table.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        guard let header = lines.first else { pairs = [:]; return }
        lines.removeFirst()
        let column = { (name: String) in header.firstIndex { $0 == name } }
        guard let index = column("pairIndex"), let symbol = column("pair"), let feed = column("pythFeedId") else { pairs = [:]; return }
        let listed = column("isPairListed")
        var pairs: [Int32: Pair] = [:]
        for fields in lines where fields.count > max(index, symbol, feed) {
            guard let number = Int32(fields[index]) else { continue }
            pairs[number] = Pair(index: number, symbol: String(fields[symbol]), pythFeedID: String(fields[feed]).lowercased(),
                                 isListed: listed.map { fields.count > $0 && fields[$0] == "True" } ?? true)
        }
        self.pairs = pairs
    }

    public static let builtIn = PairCatalogue(table: builtInTable)

    /// "ETH/USD", or "pair N" for a pair the catalogue does not know.
    public func name(of index: Int32) -> String { pairs[index]?.symbol ?? "pair \(index)" }

    /// The pair of a symbol, case-insensitively ("eth/usd", or "ETH" for ETH/USD).
    public func index(of symbol: String) -> Int32? {
        let wanted = symbol.uppercased()
        return pairs.values.filter { $0.symbol == wanted || $0.symbol == wanted + "/USD" }.map(\.index).min()
    }
}
