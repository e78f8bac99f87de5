import Foundation

/// Time-ordered UUIDs (RFC 9562 version 7: 48-bit Unix milliseconds, then
/// random bits). Rows inserted together get neighbouring keys, so a batch of
/// inserts touches a few B-tree pages instead of one random page per row —
/// that decides how much each intake commit must write and fsync.
public enum OrderedID {
    public static func make(at date: Date) -> UUID {
        var generator = SecureRandom()
        return make(at: date, using: &generator)
    }

    public static func make(at date: Date, using generator: inout some RandomNumberGenerator) -> UUID {
        let millis = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
        let random = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(i))) }
        b[6] = 0x70 | UInt8(truncatingIfNeeded: random & 0x0F)          // version 7
        b[7] = UInt8(truncatingIfNeeded: random >> 8)
        b[8] = 0x80 | UInt8(truncatingIfNeeded: (random >> 16) & 0x3F)  // variant 10
        for i in 9..<16 { b[i] = UInt8(truncatingIfNeeded: random2 >> (8 * UInt64(i - 9))) }
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
