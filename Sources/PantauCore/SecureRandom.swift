import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The kernel's cryptographically secure random numbers, fetched 4 KiB at a
/// time (in 256-byte reads). `SystemRandomNumberGenerator` makes one `getrandom` system call per
/// 64-bit value, and a report needs about sixteen (ticket, three ids); the
/// calls were a visible share of intake CPU.
public struct SecureRandom: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 { SecureRandomPool.shared.next() }
}

final class SecureRandomPool: Sendable {
    static let shared = SecureRandomPool()

    private struct Buffer {
        var values = [UInt64](repeating: 0, count: 512)
        var position = 512
    }

    private let buffer = Mutex(Buffer())

    func next() -> UInt64 {
        buffer.withLock { buffer in
            if buffer.position == buffer.values.count {
                buffer.values.withUnsafeMutableBytes { SecureRandomPool.fill($0) }
                buffer.position = 0
            }
            defer { buffer.position += 1 }
            return buffer.values[buffer.position]
        }
    }

    private static func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        // getentropy (glibc, Darwin) reads the kernel's generator, at most
        // 256 bytes per call.
        var offset = 0
        while offset < bytes.count {
            let length = min(256, bytes.count - offset)
            if getentropy(bytes.baseAddress! + offset, length) == 0 {
                offset += length
                continue
            }
            // No kernel source answered: the standard library's generator
            // (also cryptographically secure), value by value.
            var system = SystemRandomNumberGenerator()
            while offset < bytes.count {
                bytes[offset] = UInt8(truncatingIfNeeded: system.next())
                offset += 1
            }
        }
    }
}

/// UUID text without `uuidString` (which goes through `snprintf` on Linux,
/// once per id on the intake hot path).
public enum UUIDText {
    private static let upperDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits = Array("0123456789abcdef".utf8)

    public static func upper(_ uuid: UUID) -> String { format(uuid, upperDigits) }
    public static func lower(_ uuid: UUID) -> String { format(uuid, lowerDigits) }

    private static func format(_ uuid: UUID, _ digits: [UInt8]) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = digits[Int(bytes[i] >> 4)]
                    out[o + 1] = digits[Int(bytes[i] & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }

    /// Parses the 36-character form, either case; nil for anything else.
    public static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                         UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
            let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var i = 0
                for index in 0..<16 {
                    if i == 8 || i == 13 || i == 18 || i == 23 {
                        guard utf8[i] == UInt8(ascii: "-") else { return false }
                        i += 1
                    }
                    guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return false }
                    out[index] = high << 4 | low
                    i += 2
                }
                return true
            }
            return ok ? UUID(uuid: bytes) : nil
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
