import Synchronization

/// Several `CurlHTTPClient`s behind one transport, for requests that should run at once to one
/// host (a parallel backfill's pages): each request borrows a free client, waiting for one when
/// all are busy. Each client keeps its connection alive and its thread, as one alone does.
public final class CurlHTTPPool: HTTPTransport {
    private let clients: [CurlHTTPClient]
    private let state: Mutex<(free: [Int], waiters: [CheckedContinuation<Int, Never>])>

    public init(name: String, size: Int) {
        precondition(size > 0)
        clients = (0..<size).map { CurlHTTPClient(name: "\(name)-\($0)") }
        state = Mutex((Array((0..<size).reversed()), []))
    }

    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let index = await acquire()
        defer { release(index) }
        return try await clients[index].send(request)
    }

    public func stream(_ request: HTTPRequest, onChunk: @escaping @Sendable (_ status: Int, _ chunk: [UInt8]) -> Void)
        async throws(HTTPError) -> HTTPResponse {
        let index = await acquire()
        defer { release(index) }
        return try await clients[index].stream(request, onChunk: onChunk)
    }

    private func acquire() async -> Int {
        await withCheckedContinuation { continuation in
            let ready: Int? = state.withLock { state in
                if let index = state.free.popLast() { return index }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.free.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }
}
