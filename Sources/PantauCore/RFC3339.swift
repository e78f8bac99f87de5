import Foundation

/// RFC 3339 date-times (`2026-11-24T08:00:00Z`, `…T15:00:00.25+07:00`),
/// exactly as JSON Schema's `date-time` format means them: any year from
/// 0000, `T` or `t`, `Z` or `z` or an offset of up to 23:59, fractional
/// seconds of any length, a leap second (read as the second before the next
/// minute). Foundation's ISO 8601 parser refuses some of these (large
/// offsets, lower-case letters), so the API would refuse times its own
/// description allows.
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[i..<i + count] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            i += count
            return value
        }
        func expect(_ allowed: [UInt8]) -> Bool {
            guard i < bytes.count, allowed.contains(bytes[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect([0x2D]), let month = number(2), expect([0x2D]), let day = number(2),
              expect([UInt8(ascii: "T"), UInt8(ascii: "t")]),
              let hour = number(2), expect([0x3A]), let minute = number(2), expect([0x3A]), let second = number(2),
              (1...12).contains(month), (1...QueueFilter.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var fraction = 0.0
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                fraction += Double(bytes[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if expect([UInt8(ascii: "Z"), UInt8(ascii: "z")]) {
            offset = 0
        } else {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let offsetHours = number(2), expect([0x3A]), let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard i == bytes.count else { return nil }
        let days = QueueFilter.daysFromCivil(year: year, month: month, day: day)
        // A leap second is read as the last moment of its minute.
        let seconds = second == 60 ? 59.999_999 : Double(second) + fraction
        return Date(timeIntervalSince1970: Double(days) * 86_400 + Double(hour * 3600 + minute * 60) + seconds - Double(offset))
    }
}
