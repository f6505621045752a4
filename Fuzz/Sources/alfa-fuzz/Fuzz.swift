import CFuzzer
import Foundation

/// libFuzzer's driver with alfa's parsers. ALFA_FUZZ_TARGET names the parser under test
/// (see `FuzzTarget`); the arguments are libFuzzer's own (corpus folders, -max_total_time, …).
/// Each target reads the input as the outside world would send it and must neither crash nor
/// hang, whatever the bytes; a thrown error is a fine answer.
@main
enum Fuzz {
    nonisolated(unsafe) static var target: FuzzTarget = .jsonRPC

    static func main() {
        let name = ProcessInfo.processInfo.environment["ALFA_FUZZ_TARGET"] ?? ""
        guard let chosen = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("ALFA_FUZZ_TARGET \"\(name)\" is not a target; expected one of: \(names)\n".utf8))
            exit(2)
        }
        target = chosen
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        // SwiftPM gives the binary this main; libFuzzer's own is linked but never runs.
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}

/// One input, to the chosen target. Exported under libFuzzer's name, which its unused main needs.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    Fuzz.target.run(start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
}
