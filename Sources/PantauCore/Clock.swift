import Foundation

/// Where "now" comes from. Logic takes a clock so deadlines are testable.
public protocol PantauClock: Sendable {
    func now() -> Date
}

public struct SystemClock: PantauClock {
    public init() {}
    public func now() -> Date {
        // Whole milliseconds: what both databases store exactly.
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

public struct FixedClock: PantauClock {
    public let date: Date
    public init(_ date: Date) { self.date = date }
    public func now() -> Date { date }
}
