import AlfaCore

/// Spotting settings that nothing reads: a typo in `.env` must not be silently ignored.
extension SettingsCatalog {
    /// Prefixes of alfa's own variables; an environment variable with one of them that is
    /// not a setting is probably a typo. (`.env` is checked whole: everything there is ours.)
    public static let ownPrefixes = ["ALFA_", "DATABASE_", "LOG_", "RPC_", "CHAIN_", "AVANTIS_", "INDEXER_",
                                     "LEADER_", "TELEGRAM_", "COPY_", "EMERGENCY_", "WALLET_", "BREAKER_", "SIM_"]

    /// A warning line for each name that no setting reads, with the closest setting if one is near.
    public static func unknownNameWarnings(_ names: [String], source: String) -> [String] {
        let known = Set(all.map(\.name))
        return names.filter { !known.contains($0) }.sorted().map { name in
            let hint = closestSetting(to: name).map { " (did you mean \($0)?)" } ?? ""
            return "\(source) sets \(name), which no setting reads\(hint)"
        }
    }

    static func closestSetting(to name: String) -> String? {
        let scored = all.map { ($0.name, editDistance(name, $0.name)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 4) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
