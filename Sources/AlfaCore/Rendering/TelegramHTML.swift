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
}
