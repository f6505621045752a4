import AlfaCore
import AlfaSystem
import Foundation

/// Starts a Python peer from `commands/lib/` that announces itself with one JSON line on
/// stdout, and decodes that line. `--exit-with-parent` makes the peer die with the tests.
enum PeerProcess {
    static func launch<Announcement: Decodable>(_ script: String, _ arguments: [String],
                                                as: Announcement.Type) throws -> (Process, Announcement) {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", AlfaBinary.root + "/commands/lib/" + script] + arguments + ["--exit-with-parent"]
        process.standardOutput = output
        try process.run()
        // Not FileHandle.readData: it crashes on EINTR, which other tests' child processes cause.
        let line = LineReader(descriptor: output.fileHandleForReading.fileDescriptor).nextLine() ?? ""
        return (process, try JSONDecoder().decode(Announcement.self, from: Data(line.utf8)))
    }
}
