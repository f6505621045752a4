import AlfaTelegram
import Foundation
import Testing

@Suite("Message splitting")
struct MessageSplitterTests {
    @Test func aShortMessageIsOneChunk() {
        #expect(MessageSplitter.split("hello\nworld") == ["hello\nworld"])
    }

    @Test func aFiveThousandCharacterLeaderboardSplitsOnLinesWithinTheLimit() {
        let lines = (1...100).map { "#\(String($0).padding(toLength: 3, withPad: " ", startingAt: 0)) 0x1234…abcd  +12,345.67  61%  87.5 🚀" }
        let table = "<pre>" + lines.joined(separator: "\n") + "</pre>"
        #expect(table.utf16.count > 4096)
        let chunks = MessageSplitter.split(table)
        #expect(chunks.count == 2)
        for chunk in chunks {
            #expect(chunk.utf16.count <= 4096)
            #expect(chunk.hasPrefix("<pre>") && chunk.hasSuffix("</pre>"))
        }
        // Nothing lost, nothing cut inside a line.
        let rejoined = chunks.map { $0.dropFirst(5).dropLast(6) }.joined(separator: "\n")
        #expect(rejoined == lines.joined(separator: "\n"))
    }

    @Test func emojiCountAsTwoUTF16Units() {
        let text = String(repeating: "🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀\n", count: 300)   // 300 × 21 units
        let chunks = MessageSplitter.split(text)
        #expect(chunks.allSatisfy { $0.utf16.count <= 4000 })
        #expect(chunks.joined(separator: "\n") == text)
    }

    @Test func aSingleHugeLineIsCutOutsideTagsAndEntities() {
        let line = String(repeating: "a &amp; <i>b</i> ", count: 600)
        let chunks = MessageSplitter.split(line)
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.utf16.count <= 4096 })
        for chunk in chunks {
            #expect(chunk.components(separatedBy: "<i>").count == chunk.components(separatedBy: "</i>").count)
            #expect(!chunk.hasSuffix("&") && !chunk.hasSuffix("<"))
        }
        let plain = { (text: String) in text.replacingOccurrences(of: "<i>", with: "").replacingOccurrences(of: "</i>", with: "") }
        #expect(plain(chunks.joined()) == plain(line))
    }
}
