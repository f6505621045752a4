import AlfaApp
import ArgumentParser

// The command line's value types are AlfaApp's; here they learn to be parsed by ArgumentParser.

extension Moment: ExpressibleByArgument {
    public static var defaultCompletionKind: CompletionKind { .default }
}

extension LeaderboardWindow: ExpressibleByArgument {}

extension ExportFormat: ExpressibleByArgument {}
