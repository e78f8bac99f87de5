import Crypto
import Foundation

/// The hash chain over a case's events. Each event's hash covers the hash of
/// the event before it and the event's own content, so changing, removing or
/// reordering any stored event breaks every hash after it.
public enum EventChain {
    /// The "previous hash" of a case's first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// The content of one event, as hashed.
    public struct Content: Sendable, Equatable {
        public let caseID: String
        public let sequence: Int
        public let kind: String
        public let actor: String
        public let occurredAtMillis: Int64
        public let payload: String

        public init(caseID: String, sequence: Int, kind: String, actor: String, occurredAtMillis: Int64, payload: String) {
            self.caseID = caseID
            self.sequence = sequence
            self.kind = kind
            self.actor = actor
            self.occurredAtMillis = occurredAtMillis
            self.payload = payload
        }
    }

    /// SHA-256 (hex) of the previous hash and the length-prefixed fields, so
    /// no two different events serialise alike.
    public static func hash(previous: String, _ content: Content) -> String {
        var hasher = SHA256()
        for field in [previous, content.caseID, String(content.sequence), content.kind, content.actor,
                      String(content.occurredAtMillis), content.payload] {
            let bytes = Array(field.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        return hexString(hasher.finalize())
    }

    /// One problem found when checking a chain.
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public let caseID: String
        public let sequence: Int
        public let problem: String
        public var description: String { "case \(caseID) event #\(sequence): \(problem)" }
    }

    /// A stored event as read back for verification.
    public struct StoredEvent: Sendable {
        public let content: Content
        public let previousHash: String
        public let hash: String
        public init(content: Content, previousHash: String, hash: String) {
            self.content = content
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// Checks the events of one case, in sequence order, against the head hash
    /// and count the case row keeps.
    public static func verify(caseID: String, events: [StoredEvent], expectedCount: Int, expectedHead: String) -> [Break] {
        var breaks: [Break] = []
        var previous = genesis
        for (index, event) in events.enumerated() {
            let expectedSequence = index + 1
            if event.content.sequence != expectedSequence {
                breaks.append(Break(caseID: caseID, sequence: event.content.sequence, problem: "expected sequence \(expectedSequence) (an event is missing or duplicated)"))
            }
            if event.previousHash != previous {
                breaks.append(Break(caseID: caseID, sequence: event.content.sequence, problem: "previous-hash does not match the event before it"))
            }
            if hash(previous: event.previousHash, event.content) != event.hash {
                breaks.append(Break(caseID: caseID, sequence: event.content.sequence, problem: "content does not match its hash (altered)"))
            }
            previous = event.hash
        }
        if events.count != expectedCount {
            breaks.append(Break(caseID: caseID, sequence: events.count, problem: "case records \(expectedCount) events but \(events.count) are stored"))
        }
        if previous != expectedHead {
            breaks.append(Break(caseID: caseID, sequence: events.count, problem: "last event hash does not match the case's head hash"))
        }
        return breaks
    }
}
