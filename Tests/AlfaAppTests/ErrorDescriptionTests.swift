@testable import AlfaApp
@testable import AlfaBenchmarks
import AlfaStore
import Testing

/// Each failure says what failed and what to do, in one line an operator reads without the code.
@Suite("Errors: one case per failure, each describing itself")
struct ErrorDescriptionTests {
    @Test(arguments: [
        (ArchiveError(step: .createDirectory, path: "/var/alfa/archive", reason: "Permission denied") as any Error,
         "cannot create the archive directory /var/alfa/archive: Permission denied; check RAW_LOG_ARCHIVE_DIR and its permissions"),
        (ArchiveError(step: .syncDirectory, path: "/a", reason: "Input/output error"),
         "cannot sync the directory /a: Input/output error; check RAW_LOG_ARCHIVE_DIR and its permissions"),
        (Indexer.Failure.startBeyondHead(firstBlock: 1_000),
         "the node has no block 999: INDEXER_START_BLOCK is beyond its head"),
        (MarketSimulatorRunner.UnreadableState(path: ".local/simulator.json", reason: "not JSON"),
         "the simulator state .local/simulator.json cannot be read (not JSON); delete it to start a new market"),
        (BenchmarkFailure.notCopied(signal: 3, withinSeconds: 30), "the leader's trade 3 was not copied and indexed within 30 s"),
        (BenchmarkFailure.ordersDidNotFill(2), "2 copy order(s) did not fill during the benchmark"),
        (BenchmarkFailure.replicaDidNotObey(withinSeconds: 10), "the second replica did not obey within 10 s"),
    ])
    func describes(error: any Error, text: String) {
        #expect("\(error)" == text)
    }

    @Test func aSingletonOutlivesTheDatabaseAndALostLeaseButNotTheRest() {
        #expect(SingletonService.isTransient(PostgresError(kind: .connectionLost, message: "server closed the connection")))
        #expect(SingletonService.isTransient(PostgresError(kind: .connectionFailed, message: "no such socket")))
        // A statement the server refuses is a defect, not an outage: it stops the process.
        #expect(!SingletonService.isTransient(PostgresError(kind: .queryFailed, sqlState: "42601", message: "syntax error")))
        #expect(SingletonService.isTransient(LeaseRepository.Stale(name: "copy executor", epoch: 3)))
        #expect(!SingletonService.isTransient(Indexer.Failure.reorgTooDeep(checkpoint: 9)))
        #expect(!SingletonService.isTransient(CancellationError()))
    }
}
