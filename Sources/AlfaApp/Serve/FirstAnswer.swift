import AlfaCore
import Synchronization

/// Runs `body` unstructured and returns its result, or nil when `timeout` passes first on
/// `clock`: a call stuck in a C library on a dead network is not waited for.
func firstAnswer<T: Sendable>(within timeout: Duration, on clock: ServiceClock,
                              _ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
    let answer = FirstAnswer<Result<T, any Error>?>()
    var deadline: Task<Void, Never>?
    let result = await withCheckedContinuation { continuation in
        answer.await(continuation)
        Task {
            do { answer.give(.success(try await body())) } catch { answer.give(.failure(error)) }
        }
        deadline = Task {
            guard (try? await clock.sleep(for: timeout)) != nil else { return }
            answer.give(nil)
        }
    }
    // Answered in time: the deadline's timer is not left running.
    deadline?.cancel()
    return result
}

/// Resumes a continuation with the first answer given; later ones are dropped.
final class FirstAnswer<Value: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Value, Never>?, answered: Bool)>((nil, false))

    func await(_ continuation: CheckedContinuation<Value, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func give(_ answer: Value) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, Never>? in
            guard !state.answered else { return nil }
            state.answered = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: answer)
    }
}
