import AlfaCore
import ArgumentParser

/// A moment on the command line (UTC): unix seconds, 2026-11-21 or 2026-11-21T08:00[:SS][Z].
struct Moment: ExpressibleByArgument {
    let unixSeconds: Int64

    init?(argument: String) {
        guard let seconds = CivilDate.parseMoment(argument) else { return nil }
        unixSeconds = seconds
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension Moment {
    static let help = "UTC: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or unix seconds"
}
