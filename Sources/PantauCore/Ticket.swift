import Foundation

/// Ticket numbers (*nomor aduan*): `ADU-YYYYMMDD-XXXXXXXXXX`, the last part 10
/// Crockford base-32 characters (50 random bits), so tickets cannot be
/// guessed or enumerated.
public enum TicketNumber {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        var random = ""
        for _ in 0..<10 { random.append(alphabet[Int.random(in: 0..<32, using: &generator)]) }
        return "ADU-\(dayStamp(date))-\(random)"
    }

    public static func make(at date: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(at: date, using: &generator)
    }

    /// Whether `text` has the shape of a ticket (checked before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "ADU" && parts[1].count == 8 && parts[1].allSatisfy(\.isNumber)
            && parts[2].count == 10 && parts[2].allSatisfy { alphabet.contains($0) }
    }

    static func dayStamp(_ date: Date) -> String {
        // Tickets carry the date in Western Indonesian Time (UTC+7).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
    }
}
