import AlfaSystem
import Foundation
import Testing

@Suite("Blocking worker")
struct BlockingWorkerTests {
    @Test func everyJobRunsOnTheWorkersOwnThread() async throws {
        let worker = BlockingWorker(name: "alfa-test-worker")
        let order = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<20 {
                group.addTask { try await worker.run { (index, BlockingWorker.currentThreadName) } }
            }
            return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
        }
        #expect(Set(order.map(\.1)) == ["alfa-test-worke"]) // Linux keeps 15 bytes of a thread name
        #expect(Set(order.map(\.0)) == Set(0..<20))
    }

    @Test func errorsReachTheCallerAndShutdownRefusesNewWork() async throws {
        struct Oops: Error {}
        let worker = BlockingWorker(name: "alfa-failing")
        await #expect(throws: Oops.self) { try await worker.run { throw Oops() } }
        worker.shutdown()
        await #expect(throws: BlockingWorkerStopped.self) { try await worker.run { 1 } }
    }
}
