#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A program started with posix_spawn and reaped with waitpid, its stdout and stderr kept
/// in temporary files (no pipe to fill up). Foundation's `Process.waitUntilExit` can miss
/// a child's exit when several children run at once; this cannot. `wait()` blocks: call it
/// from a `BlockingWorker` in async code.
public final class ChildProcess: @unchecked Sendable {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let errorOutput: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let program: String
        public let status: Int32
        public let errorOutput: String
        public var description: String {
            "\(program) exited with status \(status)" + (errorOutput.isEmpty ? "" : ": \(errorOutput.suffix(500))")
        }
    }

    public let pid: pid_t
    private let outputPath: String
    private let errorPath: String
    private let inputPath: String?

    /// Starts `program` (looked up on PATH), in `directory` when given, reading `input` on
    /// stdin (nothing by default).
    public init(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, input: String? = nil) throws {
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-child-\(UUID().uuidString)").path
        outputPath = stem + ".out"
        errorPath = stem + ".err"
        inputPath = input.map { _ in stem + ".in" }
        if let input, let inputPath { try input.write(toFile: inputPath, atomically: false, encoding: .utf8) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, inputPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // posix_spawn has no portable chdir: a shell changes directory, then execs the program.
        let command = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, program] } ?? [program]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment)
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environmentStrings.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command[0], &actions, nil, argv, environmentStrings)
        guard spawned == 0 else {
            throw Failure(program: program, status: -1, errorOutput: String(cString: strerror(spawned)))
        }
        self.pid = pid
    }

    deinit {
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
        if let inputPath { try? FileManager.default.removeItem(atPath: inputPath) }
    }

    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// What the program has written to stderr so far.
    public var errorOutputSoFar: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits for the program to end; the status is its exit code, or 128 + the signal that ended it.
    public func wait() -> Outcome {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitCode,
                       output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
                       errorOutput: errorOutputSoFar)
    }

    /// Runs `program` to the end and returns its stdout; throws if it exits non-zero.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil) throws -> String {
        let outcome = try ChildProcess(program, arguments, environment: environment, directory: directory).wait()
        guard outcome.status == 0 else {
            throw Failure(program: program, status: outcome.status, errorOutput: outcome.errorOutput)
        }
        return outcome.output
    }
}
