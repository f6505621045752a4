/// Splits a long reply into Telegram messages: each under the limit in UTF-16 code units,
/// cut on line boundaries, with an open `<pre>` or `<code>` block closed at the end of a
/// chunk and reopened at the start of the next, so no chunk has broken markup.
public enum MessageSplitter {
    /// Telegram allows 4096; the margin leaves room for the reopened tags.
    public static let defaultLimit = 4000

    public static func split(_ text: String, limit: Int = defaultLimit) -> [String] {
        var chunks: [String] = []
        var current: [Substring] = []
        var currentLength = 0
        var openTags: [String] = []       // tags open at the end of `current`
        var reopen: [String] = []         // tags open at the start of `current`

        func flush() {
            guard !current.isEmpty else { return }
            let prefix = reopen.map { "<\($0)>" }.joined()
            let suffix = openTags.reversed().map { "</\($0)>" }.joined()
            chunks.append(prefix + current.joined(separator: "\n") + suffix)
            current = []
            currentLength = 0
            reopen = openTags
        }

        for (line, isPartOfLongLine) in pieces(of: text, limit: limit / 2) {
            let lineLength = line.utf16.count + 1
            let overhead = (reopen + openTags).reduce(0) { $0 + $1.utf16.count * 2 + 5 }
            // A part of a cut line stands alone, so no newline is added inside the line.
            if isPartOfLongLine || currentLength + lineLength + overhead > limit { flush() }
            current.append(line)
            currentLength += lineLength
            openTags = tagsOpen(after: line, startingWith: openTags)
            if isPartOfLongLine { flush() }
        }
        flush()
        return chunks
    }

    /// The text's lines, with any single line longer than `limit` cut into parts.
    private static func pieces(of text: String, limit: Int) -> [(Substring, Bool)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [(Substring, Bool)] in
            guard line.utf16.count > limit else { return [(line, false)] }
            var parts: [Substring] = []
            var rest = line[...]
            while !rest.isEmpty {
                var end = rest.startIndex
                var units = 0
                while end < rest.endIndex, units + rest[end].utf16.count <= limit {
                    units += rest[end].utf16.count
                    end = rest.index(after: end)
                }
                // Do not cut inside an HTML tag or entity.
                if let lt = rest[..<end].lastIndex(of: "<"), !rest[lt..<end].contains(">"), lt > rest.startIndex { end = lt }
                if let amp = rest[..<end].lastIndex(of: "&"), !rest[amp..<end].contains(";"), amp > rest.startIndex { end = amp }
                parts.append(rest[..<end])
                rest = rest[end...]
            }
            return parts.map { ($0, true) }
        }
    }

    private static let blockTags: Set<String> = ["pre", "code", "b", "i", "u", "s"]

    private static func tagsOpen(after line: Substring, startingWith open: [String]) -> [String] {
        var stack = open
        var index = line.startIndex
        while let lt = line[index...].firstIndex(of: "<") {
            guard let gt = line[lt...].firstIndex(of: ">") else { break }
            let inside = line[line.index(after: lt)..<gt]
            let closing = inside.hasPrefix("/")
            let name = String((closing ? inside.dropFirst() : inside).prefix { $0.isLetter }).lowercased()
            if blockTags.contains(name) {
                if closing {
                    if let position = stack.lastIndex(of: name) { stack.remove(at: position) }
                } else {
                    stack.append(name)
                }
            }
            index = line.index(after: gt)
        }
        return stack
    }
}
