import AlfaCore

extension EligibilityGates {
    /// The gates the LEADER_* settings set.
    public init(_ settings: Settings.Leaderboard) {
        self.init(minTrades30d: Int(settings.minTrades30d), minVolume30d: settings.minVolume30d,
                  activeHours: settings.activeHours)
    }
}
