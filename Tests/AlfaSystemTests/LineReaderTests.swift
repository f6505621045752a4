import AlfaSystem
import Foundation
import Testing

@Suite("LineReader: lines from a pipe, stoppable")
struct LineReaderTests {
    @Test func linesArriveInPiecesAndTheLastOneNeedsNoNewline() throws {
        let pipe = Pipe()
        let reader = LineReader(descriptor: pipe.fileHandleForReading.fileDescriptor)
        try pipe.fileHandleForWriting.write(contentsOf: Data("/alfa to".utf8))
        try pipe.fileHandleForWriting.write(contentsOf: Data("p50\n/status\n\n/quit".utf8))
        try pipe.fileHandleForWriting.close()
        #expect(reader.nextLine() == "/alfa top50")
        #expect(reader.nextLine() == "/status")
        #expect(reader.nextLine() == "")
        #expect(reader.nextLine() == "/quit")
        #expect(reader.nextLine() == nil)
    }

    @Test func stopEndsAWaitThatNoInputWouldEnd() async throws {
        let pipe = Pipe()  // the write end stays open: without stop() the read would wait forever
        let reader = LineReader(descriptor: pipe.fileHandleForReading.fileDescriptor)
        let worker = BlockingWorker(name: "line-reader")
        defer { worker.shutdown() }
        let line = Task { try await worker.run { reader.nextLine() } }
        try await Task.sleep(for: .milliseconds(100))
        reader.stop()
        #expect(try await line.value == nil)
        _ = pipe.fileHandleForWriting
    }
}
