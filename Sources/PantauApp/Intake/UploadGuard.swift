import Foundation
import Hummingbird

/// What anonymous uploads may cost this server: how many stream in at once
/// (more are answered 503 with `Retry-After` before a byte of their body is
/// read) and how many files one address may send in an hour (429). Counted
/// in this process: behind a load balancer each server counts its own.
actor UploadGuard {
    let concurrentLimit: Int
    let filesPerAddressPerHour: Int
    private let window: Double = 3_600
    private var active = 0
    private var perAddress: [String: (count: Int, windowStart: Double)] = [:]

    init(concurrentLimit: Int, filesPerAddressPerHour: Int) {
        self.concurrentLimit = concurrentLimit
        self.filesPerAddressPerHour = filesPerAddressPerHour
    }

    enum Refusal: Error, Equatable {
        /// As many uploads as allowed are streaming in already.
        case busy
        /// This address has sent its files for the hour.
        case tooMany(retryAfter: Int)
    }

    /// Lets one upload in, or says why not. Every admitted upload must
    /// `leave`.
    func enter(address: String, now: Double = Date().timeIntervalSince1970) -> Refusal? {
        if let entry = perAddress[address], entry.windowStart > now - window, entry.count >= filesPerAddressPerHour {
            return .tooMany(retryAfter: max(1, Int((entry.windowStart + window - now).rounded(.up))))
        }
        guard active < concurrentLimit else { return .busy }
        active += 1
        return nil
    }

    /// Ends an upload, counting the files it carried against its address.
    func leave(address: String, files: Int, now: Double = Date().timeIntervalSince1970) {
        active -= 1
        guard files > 0 else { return }
        if let entry = perAddress[address], entry.windowStart > now - window {
            perAddress[address] = (entry.count + files, entry.windowStart)
        } else {
            perAddress[address] = (files, now)
        }
        // Windows that have run out are forgotten now and then, so the map
        // stays as large as the last hour's uploaders.
        if perAddress.count > 10_000 {
            perAddress = perAddress.filter { $0.value.windowStart > now - window }
        }
    }

    /// Runs `body` as one admitted upload from `address`; `body` answers the
    /// response and how many files it received.
    nonisolated func admitted<T: Sendable>(address: String, _ body: () async throws -> (T, files: Int)) async throws -> T {
        if let refusal = await enter(address: address) { throw refusal }
        do {
            let (value, files) = try await body()
            await leave(address: address, files: files)
            return value
        } catch {
            await leave(address: address, files: 0)
            throw error
        }
    }

    /// Seconds a client is asked to wait when every upload slot is taken.
    static let busyRetryAfter = 5
}
