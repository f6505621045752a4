import Foundation
import Testing

/// The PostgreSQL the tests use: `commands/test` starts a throwaway cluster and sets
/// DATABASE_URL to it.
public enum TestPostgres {
    public static var url: String? { ProcessInfo.processInfo.environment["DATABASE_URL"] }
}

extension Trait where Self == ConditionTrait {
    /// For suites that need PostgreSQL: a plain `swift test` without DATABASE_URL skips them,
    /// saying why, instead of crashing the whole run.
    public static var postgres: Self {
        .enabled(if: TestPostgres.url != nil,
                 "needs PostgreSQL: DATABASE_URL is not set (commands/test starts a throwaway cluster and sets it)")
    }
}
