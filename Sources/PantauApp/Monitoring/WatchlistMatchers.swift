import Foundation
import PantauCore

/// The compiled matcher over every active watchlist, built once per
/// version of the watchlists rather than per post. A change made in this
/// process invalidates it at once; a change made by another server (several
/// share one PostgreSQL) is seen within `recheckInterval`, when the cheap
/// version query (count and last change) no longer agrees.
actor WatchlistMatchers {
    private let version: @Sendable () async throws -> String
    private let load: @Sendable () async throws -> [WatchlistDefinition]
    private var cached: (version: String, matcher: WatchlistMatcher, checkedAt: ContinuousClock.Instant)?
    let recheckInterval: Duration = .seconds(5)

    init(version: @escaping @Sendable () async throws -> String, load: @escaping @Sendable () async throws -> [WatchlistDefinition]) {
        self.version = version
        self.load = load
    }

    func current() async throws -> WatchlistMatcher {
        let now = ContinuousClock.now
        if let cached, now - cached.checkedAt < recheckInterval { return cached.matcher }
        let stored = try await version()
        if let cached, cached.version == stored {
            self.cached = (stored, cached.matcher, now)
            return cached.matcher
        }
        let matcher = WatchlistMatcher(try await load())
        cached = (stored, matcher, now)
        return matcher
    }

    func invalidate() { cached = nil }
}
