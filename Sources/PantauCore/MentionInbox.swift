import Foundation

/// Mentions of an official account that report nothing (questions, thanks,
/// complaints about the service) land in the comms office's inbox to be
/// answered. The kind is a hint for sorting the inbox, not a decision.
public enum MentionKind: String, Sendable, CaseIterable {
    case question
    case thanks
    case other

    /// Phrases, as whole words, case-insensitive. Documented in the README.
    public static let thanksWords = ["terima kasih", "terimakasih", "makasih", "makasi", "trims", "thanks", "thank you", "thx", "mantap", "apresiasi"]
    public static let questionWords = ["apakah", "bagaimana", "gimana", "kapan", "kenapa", "mengapa", "bisakah", "bolehkah", "dimana", "di mana",
                                       "berapa", "siapa", "tanya", "nanya", "how", "when", "why", "what", "where", "can i", "is it"]

    public static func classify(_ text: String) -> MentionKind {
        let lowered = text.lowercased()
        let words = " " + lowered.map { $0.isLetter || $0.isNumber ? $0 : " " }.reduce(into: "") { $0.append($1) } + " "
        func contains(_ phrase: String) -> Bool { words.contains(" " + phrase + " ") }
        // A question mark or a question word makes it a question, even when it thanks too.
        if lowered.contains("?") || questionWords.contains(where: contains) { return .question }
        if thanksWords.contains(where: contains) { return .thanks }
        return .other
    }
}

/// What became of a mention of an official account when it arrived.
public enum MentionOutcome: String, Sendable, CaseIterable {
    /// It named content to report: it became reports.
    case reported
    /// It reported nothing (a question, thanks): it waits in the comms inbox.
    case ignored
}

/// What comms staff did with an inbox mention.
public enum MentionHandling: String, Sendable, CaseIterable {
    /// A reply was posted on the platform (its text, and its link if known, recorded).
    case answered
    /// No answer needed (spam, a greeting); the reason recorded.
    case closed
}

public struct MentionReplyInput: Sendable, Equatable {
    public let handling: MentionHandling
    public let text: String
    public let replyURL: String?

    public static let maximumTextLength = 2_000

    public init(handling: MentionHandling, text: String, replyURL: String?) {
        self.handling = handling
        self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.replyURL = replyURL?.trimmingCharacters(in: .whitespaces).nilIfEmpty
    }

    public struct Problem: Error, Sendable, Equatable {
        public let field: String
        public let id: String
        public let en: String
    }

    public var problem: Problem? {
        if text.isEmpty {
            return handling == .answered
                ? Problem(field: "text", id: "Tulis balasan yang dikirim.", en: "'text' (the reply sent) is required.")
                : Problem(field: "text", id: "Tulis alasan menutup tanpa balasan.", en: "'text' (why no reply is needed) is required.")
        }
        if text.count > Self.maximumTextLength {
            return Problem(field: "text", id: "Paling panjang \(Self.maximumTextLength) karakter.", en: "'text' is at most \(Self.maximumTextLength) characters.")
        }
        if let replyURL {
            guard let components = URLComponents(string: replyURL), let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
                  components.host?.isEmpty == false else {
                return Problem(field: "reply_url", id: "Tautan balasan harus alamat http(s).", en: "'reply_url' must be an http(s) address.")
            }
        }
        return nil
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
