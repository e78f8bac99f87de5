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
