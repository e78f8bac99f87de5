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
        var generator = SecureRandom()
        return make(at: date, using: &generator)
    }

    /// Whether `text` has the shape of a ticket (checked before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "ADU" && parts[1].count == 8 && parts[1].allSatisfy(\.isNumber)
            && parts[2].count == 10 && parts[2].allSatisfy { alphabet.contains($0) }
    }

    /// YYYYMMDD in Western Indonesian Time (UTC+7, no daylight saving), by
    /// arithmetic: this runs for every report, and Calendar is slow.
    public static func dayStamp(_ date: Date) -> String {
        let days = Int(((date.timeIntervalSince1970 + 7 * 3600) / 86400).rounded(.down))
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        return String(y) + (m < 10 ? "0" : "") + String(m) + (d < 10 ? "0" : "") + String(d)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
