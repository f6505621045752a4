import AlfaHTTP
import Foundation

/// A Python peer of commands/lib (it announces its port on stdout, dies with this process),
/// with its HTTP control endpoints. Stopped when released.
class LoopbackPeer: @unchecked Sendable {
    let process: Process
    let base: String
    let control = CurlHTTPClient(name: "test-peer-control")

    init(_ script: String, _ arguments: [String] = []) async throws {
        struct Announcement: Decodable { let port: Int }
        let (process, announcement) = try await PeerProcess.launch(script, arguments, as: Announcement.self)
        self.process = process
        base = "http://127.0.0.1:\(announcement.port)"
    }

    deinit { process.terminate() }

    func post(_ path: String, _ json: String) async throws {
        _ = try await control.send(HTTPRequest(method: "POST", url: base + path, headers: ["Content-Type": "application/json"],
                                               body: Array(json.utf8)))
    }

    func get(_ path: String) async throws -> [UInt8] {
        try await control.send(HTTPRequest(url: base + path)).body
    }
}
