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

/// A small, fast generator with a fixed seed (SplitMix64): the same seed
/// gives the same sequence on every machine (synthetic data, property tests).
/// Not for secrets.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
