import Crypto
import Foundation

/// Takedown order numbers (*Surat Perintah Takedown*): `SPT-YYYYMMDD-NNNN`,
/// the day in WIB and a sequence number per day.
public enum OrderNumber {
    public static func make(day date: Date, sequence: Int) -> String {
        let digits = String(sequence)
        return "SPT-\(TicketNumber.dayStamp(date))-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The WIB day an order number counts in (`YYYYMMDD`).
    public static func day(_ date: Date) -> String { TicketNumber.dayStamp(date) }
}

/// Signatures on webhook deliveries, so a platform can tell a real order
/// from a forged one and a replay from a fresh one:
/// `Pantau-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
public enum WebhookSignature {
    public static let headerName = "Pantau-Signature"

    public static func header(body: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(mac(body: body, secret: secret, timestamp: timestamp))"
    }

    public static func mac(body: [UInt8], secret: String, timestamp: Int) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        return hexString(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// Whether `header` signs `body` with `secret`, made at most `tolerance`
    /// seconds from `now` (what a receiving platform checks).
    public static func verify(header: String, body: [UInt8], secret: String, now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(String(pair[1])) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(mac(body: body, secret: secret, timestamp: timestamp).utf8)
        return signatures.contains { candidate in
            let given = Array(candidate.utf8)
            guard given.count == expected.count else { return false }
            return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}

/// When to try a failed delivery again: exponential backoff with jitter,
/// for a bounded time, then the message is dead-lettered.
public struct DeliveryBackoff: Sendable, Equatable {
    /// Delay after the first failure.
    public var base: Double = 5
    /// No single wait is longer than this.
    public var maximum: Double = 3600
    /// Give up (dead letter) once the first attempt is this old.
    public var giveUpAfter: Double = 24 * 3600

    public init(base: Double = 5, maximum: Double = 3600, giveUpAfter: Double = 24 * 3600) {
        self.base = base
        self.maximum = maximum
        self.giveUpAfter = giveUpAfter
    }

    /// Seconds to wait after failed attempt number `attempt` (1-based):
    /// between half and all of `base × 2^(attempt-1)`, capped — the random
    /// half spreads the retries of many messages after an outage.
    public func delay(afterAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let ceiling = min(maximum, base * pow(2, exponent))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2), using: &random)
    }

    /// Whether to stop retrying: the next try would fall after the limit.
    public func shouldGiveUp(firstAttemptAt first: Date, nextAttemptAt next: Date) -> Bool {
        next.timeIntervalSince(first) > giveUpAfter
    }
}

/// Where one outbox message (an order or a campaign post on its way out)
/// stands: pending until delivered, dead after its last failed attempt, or
/// manual when no channel can carry it and staff must send it by hand.
public enum OutboxStatus: String, CaseIterable, Codable, Sendable {
    case pending, delivered, dead, manual

    public var label: (id: String, en: String) {
        switch self {
        case .pending: ("Menunggu dikirim", "Waiting to be delivered")
        case .delivered: ("Terkirim", "Delivered")
        case .dead: ("Gagal dikirim", "Delivery failed")
        case .manual: ("Menunggu dikirim manual", "Waiting to be sent by hand")
        }
    }
}

