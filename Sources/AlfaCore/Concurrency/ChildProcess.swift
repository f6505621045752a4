#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a program to completion with posix_spawn and waitpid, capturing its standard output.
/// Foundation's `Process.waitUntilExit` can miss a child's exit when several children run
/// at once; this cannot. It blocks: call it from a `BlockingWorker` in async code.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let program: String
        public let status: Int32
        public var description: String { "\(program) exited with status \(status)" }
    }

    /// Runs `program` (looked up on PATH) and returns its stdout; throws if it exits non-zero.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw Failure(program: program, status: -1) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addclose(&actions, pipe[1])

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environmentStrings.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, program, &actions, nil, argv, environmentStrings)
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            throw Failure(program: program, status: -1)
        }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(pipe[0], &buffer, buffer.count)
            if count > 0 { output.append(contentsOf: buffer[0..<count]) } else if count == 0 || errno != EINTR { break }
        }
        close(pipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else { throw Failure(program: program, status: exitCode) }
        return String(decoding: output, as: UTF8.self)
    }
}
