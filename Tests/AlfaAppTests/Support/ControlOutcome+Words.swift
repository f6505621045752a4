import AlfaCore

extension ControlOutcome {
    /// The outcome in the words the chat shows, as tests read them.
    var plainText: String { ChatReplies.render(self).plainText }
}
