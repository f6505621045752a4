/// Escaping for Telegram's HTML parse mode.
public enum TelegramHTML {
    /// Escapes `&`, `<`, `>` and `"`, the characters Telegram's HTML parser reserves.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The text a reader sees: tags removed, the four entities `escape` makes turned back.
    public static func plainText(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var inTag = false
        var entity: String?
        for character in html {
            if inTag {
                if character == ">" { inTag = false }
            } else if var pending = entity {
                pending.append(character)
                if character == ";" {
                    out += entities[pending] ?? pending
                    entity = nil
                } else if pending.count > 6 {
                    out += pending
                    entity = nil
                } else {
                    entity = pending
                }
            } else if character == "<" {
                inTag = true
            } else if character == "&" {
                entity = "&"
            } else {
                out.append(character)
            }
        }
        return out + (entity ?? "")
    }

    private static let entities = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\""]
}
