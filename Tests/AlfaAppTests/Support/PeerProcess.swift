import AlfaCore
import AlfaSystem
import Foundation

/// Starts a Python peer from `commands/lib/` that announces itself with one JSON line on
/// stdout, and decodes that line. `--exit-with-parent` makes the peer die with the tests. The
/// line is awaited on a thread of its own: a peer takes seconds to start on a loaded machine,
/// and a test blocking one of the cooperative pool's 2 threads for that long stalls every other.
enum PeerProcess {
    static func launch<Announcement: Decodable>(_ script: String, _ arguments: [String],
                                                as: Announcement.Type) async throws -> (Process, Announcement) {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", AlfaBinary.root + "/commands/lib/" + script] + arguments + ["--exit-with-parent"]
        process.standardOutput = output
        try process.run()
        // Not FileHandle.readData: it crashes on EINTR, which other tests' child processes cause.
        let descriptor = output.fileHandleForReading.fileDescriptor
        let line = try await BlockingWorker.once("test-peer-start") { LineReader(descriptor: descriptor).nextLine() ?? "" }
        return (process, try JSONDecoder().decode(Announcement.self, from: Data(line.utf8)))
    }
}
